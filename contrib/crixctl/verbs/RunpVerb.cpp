// `crixctl runp POD-CONFIG`: starts a pod sandbox from a JSON or YAML
// PodSandboxConfig and prints its ID.
#include <iostream>

#include "contrib/crixctl/ContainerCreate.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/PodSandboxConfigFile.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

int runRunp(VerbContext& ctx) {
  if (ctx.args().size() != 1 || ctx.args().front().empty()) return ctx.showHelp();
  const auto timeout = cancelTimeout(ctx);
  ctx.client.runtime();  // a dead runtime is the error to report, before the file's
  const auto config =
      withContext("load podSandboxConfig", [&] { return loadPodSandboxConfig(ctx.args().front()); });
  const std::string podId = withContext(
      "run pod sandbox", [&] { return runPodSandbox(ctx.client, config, ctx.options.value("runtime"), timeout); });
  std::cout << podId << "\n";
  return 0;
}

}  // namespace

Verb makeRunpVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "runp",
      .usage = "Run a new pod",
      .argsUsage = "pod-config.[json|yaml]",
      .options =
          {
              {.name = "runtime",
               .shortName = "r",
               .kind = Kind::Value,
               .usage = "Runtime handler to use. Available options are defined by the container runtime."},
              {.name = "cancel-timeout",
               .shortName = "T",
               .kind = Kind::Value,
               .usage = "Seconds to wait for a run pod sandbox request to complete before cancelling the request",
               .defaultValue = "0s",
               .quoteDefault = false},
          },
      .run = runRunp,
  };
}

}  // namespace crixctl

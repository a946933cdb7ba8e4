// `crixctl run CONTAINER-CONFIG POD-CONFIG`: runp, create and start in one
// go. Like crictl it prints only the started container's ID.
#include "contrib/crixctl/ContainerCreate.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/PodSandboxConfigFile.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

int runRun(VerbContext& ctx) {
  if (ctx.args().size() != 2) return ctx.showHelp();
  const bool withPull = shouldPull(ctx, !ctx.settings.disablePullOnRun);
  if (withPull) ctx.client.images();
  ctx.client.runtime();
  withContext("running container", [&] {
    const auto podConfig = withContext("load podSandboxConfig", [&] { return loadPodSandboxConfig(ctx.args()[1]); });
    const std::string podId = withContext("run pod sandbox", [&] {
      return runPodSandbox(ctx.client, podConfig, ctx.options.value("runtime"), cancelTimeout(ctx));
    });
    const std::string containerId = withContext("creating container failed", [&] {
      return createContainer(ctx, {.podId = podId,
                                   .containerConfigPath = ctx.args()[0],
                                   .podConfigPath = ctx.args()[1],
                                   .withPull = withPull});
    });
    withContext("starting the container \"" + containerId + "\"", [&] { startContainer(ctx.client, containerId); });
  });
  return 0;
}

}  // namespace

Verb makeRunVerb() {
  using Kind = OptionSpec::Kind;
  auto options = containerPullOptions("Do not pull the image (overrides disable-pull-on-run=false in config)",
                                      "Pull the image (overrides disable-pull-on-run=true in config)");
  options.push_back({.name = "runtime",
                     .shortName = "r",
                     .kind = Kind::Value,
                     .usage = "Runtime handler to use. Available options are defined by the container runtime."});
  return Verb{
      .name = "run",
      .usage = "Run a new container inside a sandbox",
      .argsUsage = "container-config.[json|yaml] pod-config.[json|yaml]",
      .options = std::move(options),
      .run = runRun,
  };
}

}  // namespace crixctl

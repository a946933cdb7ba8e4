// `crixctl run CONTAINER-CONFIG POD-CONFIG`: runp, create and start in one
// go. Like crictl it prints only the started container's ID.
#include "contrib/crixctl/ContainerCreate.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/PodSandboxConfigFile.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runRun(VerbContext& ctx) {
  if (ctx.args().size() != 2) return ctx.showHelp();
  const bool withPull = shouldPull(ctx, !ctx.settings.disablePullOnRun);
  if (withPull) ctx.client.images();
  ctx.client.runtime();
  try {
    runtime::v1::PodSandboxConfig podConfig;
    try {
      podConfig = loadPodSandboxConfig(ctx.args()[1]);
    } catch (const crix::Error& e) {
      throw wrapError("load podSandboxConfig", e);
    }
    std::string podId;
    try {
      podId = runPodSandbox(ctx.client, podConfig, ctx.options.value("runtime"), cancelTimeout(ctx));
    } catch (const crix::Error& e) {
      throw wrapError("run pod sandbox", e);
    }
    std::string containerId;
    try {
      containerId = createContainer(ctx, {.podId = podId,
                                          .containerConfigPath = ctx.args()[0],
                                          .podConfigPath = ctx.args()[1],
                                          .withPull = withPull});
    } catch (const crix::Error& e) {
      throw wrapError("creating container failed", e);
    }
    try {
      startContainer(ctx.client, containerId);
    } catch (const crix::Error& e) {
      throw wrapError("starting the container \"" + containerId + "\"", e);
    }
  } catch (const crix::Error& e) {
    throw wrapError("running container", e);
  }
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

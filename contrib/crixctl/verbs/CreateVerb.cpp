// `crixctl create POD-ID CONTAINER-CONFIG POD-CONFIG`: creates a container
// in a running pod and prints its ID; pulls the image first when asked to
// (--with-pull, or pull-image-on-create in the config file) and it is absent.
#include <iostream>

#include "contrib/crixctl/ContainerCreate.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

int runCreate(VerbContext& ctx) {
  if (ctx.args().size() != 3) return ctx.showHelp();
  const bool withPull = shouldPull(ctx, ctx.settings.pullImageOnCreate);
  if (withPull) ctx.client.images();
  ctx.client.runtime();
  const std::string id = withContext("creating container", [&] {
    return createContainer(ctx, {.podId = resolvePodId(ctx.client, ctx.args()[0]),
                                 .containerConfigPath = ctx.args()[1],
                                 .podConfigPath = ctx.args()[2],
                                 .withPull = withPull});
  });
  std::cout << id << "\n";
  return 0;
}

}  // namespace

Verb makeCreateVerb() {
  return Verb{
      .name = "create",
      .usage = "Create a new container",
      .argsUsage = "POD container-config.[json|yaml] pod-config.[json|yaml]",
      .options = containerPullOptions(
          "Do not pull the image on container creation (overrides pull-image-on-create=true in config)",
          "Pull the image on container creation (overrides pull-image-on-create=false in config)"),
      .run = runCreate,
  };
}

}  // namespace crixctl

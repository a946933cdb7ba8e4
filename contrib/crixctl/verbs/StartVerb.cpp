// `crixctl start ID...`: starts created containers, printing each ID.
#include "contrib/crixctl/EachId.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runStart(VerbContext& ctx) {
  if (ctx.args().empty()) throw crix::Error::invalidArgument("ID cannot be empty");
  forEachIdUntilFailure(ctx.args(), "starting the container", [&ctx](const std::string& given) {
    startContainer(ctx.client, resolveContainerId(ctx.client, given), given);
  });
  return 0;
}

}  // namespace

Verb makeStartVerb() {
  return Verb{
      .name = "start",
      .usage = "Start one or more created containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .run = runStart,
  };
}

}  // namespace crixctl

// `crixctl start ID...`: starts created containers, printing each ID.
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runStart(VerbContext& ctx) {
  if (ctx.args().empty()) throw crix::Error::invalidArgument("ID cannot be empty");
  for (const auto& given : ctx.args()) {
    try {
      startContainer(ctx.client, resolveContainerId(ctx.client, given), given);
    } catch (const crix::Error& e) {
      throw wrapError("starting the container \"" + given + "\"", e);
    }
  }
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

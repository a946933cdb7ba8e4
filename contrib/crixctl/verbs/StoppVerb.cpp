// `crixctl stopp POD-ID...`: stops pods (their containers and sandbox),
// printing "Stopped sandbox ID" for each.
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runStopp(VerbContext& ctx) {
  if (ctx.args().empty()) return ctx.showHelp();
  for (const auto& given : ctx.args()) {
    try {
      stopPodSandbox(ctx.client, resolvePodId(ctx.client, given), given);
    } catch (const crix::Error& e) {
      throw wrapError("stopping the pod sandbox \"" + given + "\"", e);
    }
  }
  return 0;
}

}  // namespace

Verb makeStoppVerb() {
  return Verb{
      .name = "stopp",
      .usage = "Stop one or more running pods",
      .argsUsage = "POD-ID [POD-ID...]",
      .run = runStopp,
  };
}

}  // namespace crixctl

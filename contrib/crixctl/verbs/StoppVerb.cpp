// `crixctl stopp POD-ID...`: stops pods (their containers and sandbox),
// printing "Stopped sandbox ID" for each.
#include "contrib/crixctl/EachId.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

int runStopp(VerbContext& ctx) {
  if (ctx.args().empty()) return ctx.showHelp();
  forEachIdUntilFailure(ctx.args(), "stopping the pod sandbox", [&ctx](const std::string& given) {
    stopPodSandbox(ctx.client, resolvePodId(ctx.client, given), given);
  });
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

// `crixctl rmp [-f] [-a] POD-ID...`: removes pods, printing "Removed sandbox
// ID" for each. A ready pod is refused unless -f, which stops it first.
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Removal.h"
#include "contrib/crixctl/StatusCalls.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

void removeOne(VerbContext& ctx, const std::string& given) {
  const std::string id = resolvePodId(ctx.client, given);
  const auto status =
      withContext("getting sandbox status of pod \"" + id + "\"", [&] { return podSandboxStatus(ctx.client, id); });
  if (status.status().state() == runtime::v1::SANDBOX_READY) {
    refuseUnlessForced(ctx, "pod sandbox \"" + given + "\"");
    withContext("stopping the pod sandbox \"" + id + "\" failed", [&] { stopPodSandbox(ctx.client, id, given); });
  }
  withContext("removing the pod sandbox \"" + id + "\"", [&] { removePodSandbox(ctx.client, id, given); });
}

std::vector<std::string> allPods(CriClient& client) {
  const auto listed =
      client.call(client.runtime(), &CriClient::RuntimeStub::ListPodSandbox, runtime::v1::ListPodSandboxRequest{});
  std::vector<std::string> ids;
  for (const auto& pod : listed.items()) ids.push_back(pod.id());
  return ids;
}

int runRmp(VerbContext& ctx) {
  return removeEach(ctx, {.listAll = [&ctx] { return allPods(ctx.client); },
                          .noneListed = "No pods to remove",
                          .removeOne = [&ctx](const std::string& given) { removeOne(ctx, given); }});
}

}  // namespace

Verb makeRmpVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "rmp",
      .usage = "Remove one or more pods",
      .argsUsage = "POD-ID [POD-ID...]",
      .options =
          {
              {.name = "force",
               .shortName = "f",
               .kind = Kind::Bool,
               .usage = "Force removal of the pod sandbox, disregarding if running"},
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Remove all pods"},
          },
      .run = runRmp,
  };
}

}  // namespace crixctl

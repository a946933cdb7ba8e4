// `crixctl rmp [-f] [-a] POD-ID...`: removes pods, printing "Removed sandbox
// ID" for each. A ready pod is refused unless -f, which stops it first.
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

void removeOne(VerbContext& ctx, const std::string& given) {
  const std::string id = resolvePodId(ctx.client, given);
  runtime::v1::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  runtime::v1::PodSandboxStatusResponse status;
  try {
    status = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::PodSandboxStatus, request);
  } catch (const crix::Error& e) {
    throw wrapError("getting sandbox status of pod \"" + id + "\"", e);
  }
  if (status.status().state() == runtime::v1::SANDBOX_READY) {
    if (!ctx.options.flag("force"))
      throw crix::Error::failedPrecondition("pod sandbox \"" + given + "\" is running, please stop it first");
    try {
      stopPodSandbox(ctx.client, id, given);
    } catch (const crix::Error& e) {
      throw wrapError("stopping the pod sandbox \"" + id + "\" failed", e);
    }
  }
  try {
    removePodSandbox(ctx.client, id, given);
  } catch (const crix::Error& e) {
    throw wrapError("removing the pod sandbox \"" + id + "\"", e);
  }
}

int runRmp(VerbContext& ctx) {
  std::vector<std::string> ids = ctx.args();
  if (ctx.options.flag("all")) {
    const auto listed = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ListPodSandbox, runtime::v1::ListPodSandboxRequest{});
    ids.clear();
    for (const auto& pod : listed.items()) ids.push_back(pod.id());
    if (ids.empty()) {
      clilog::write(clilog::Level::Info, "No pods to remove");
      return 0;
    }
  }
  if (ids.empty()) return ctx.showHelp();
  ctx.client.runtime();
  std::vector<std::function<void()>> steps;
  for (const auto& id : ids) steps.push_back([&ctx, id] { removeOne(ctx, id); });
  runAll(steps);
  return 0;
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

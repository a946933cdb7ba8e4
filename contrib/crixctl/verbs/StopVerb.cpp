// `crixctl stop [-t SECONDS] ID...` or `stop --all`: stops running
// containers (SIGTERM, then SIGKILL after the grace period), printing each ID.
#include <iostream>

#include "contrib/crixctl/EachId.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

std::vector<std::string> runningContainers(CriClient& client) {
  runtime::v1::ListContainersRequest request;
  request.mutable_filter()->mutable_state()->set_state(runtime::v1::CONTAINER_RUNNING);
  const auto response = withContext("listing containers", [&] {
    return client.call(client.runtime(), &CriClient::RuntimeStub::ListContainers, request);
  });
  std::vector<std::string> ids;
  for (const auto& c : response.containers()) ids.push_back(c.id());
  return ids;
}

int runStop(VerbContext& ctx) {
  const bool all = ctx.options.flag("all");
  ctx.client.runtime();
  if (all && !ctx.args().empty())
    throw crix::Error::invalidArgument("cannot specify CONTAINER-ID(s) when using --all");
  std::vector<std::string> ids;
  if (all) {
    ids = runningContainers(ctx.client);
    if (ids.empty()) {
      std::cout << "No running containers found.\n";
      return 0;
    }
  } else {
    if (ctx.args().empty())
      throw crix::Error::invalidArgument("you must specify at least one CONTAINER-ID or use --all");
    ids = ctx.args();
  }
  const auto grace = ctx.options.integer("timeout");
  forEachIdUntilFailure(ids, "stopping the container", [&ctx, grace](const std::string& given) {
    stopContainer(ctx.client, resolveContainerId(ctx.client, given), grace, given);
  });
  return 0;
}

}  // namespace

Verb makeStopVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "stop",
      .usage = "Stop one or more running containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .options =
          {
              {.name = "timeout",
               .shortName = "t",
               .kind = Kind::Value,
               .usage = "Seconds to wait to kill the container after a graceful stop is requested",
               .defaultValue = "0",
               .quoteDefault = false},
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Stop all running containers"},
          },
      .run = runStop,
  };
}

}  // namespace crixctl

// `crixctl logs [-f] [--tail N] [--since T] [-t] [-p] ID`: reads the
// container's log file itself, as crictl does (the runtime only says where it
// is), and prints stdout lines to stdout and stderr lines to stderr.
#include <iostream>

#include "contrib/crixctl/CriLog.h"
#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LogFollower.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

runtime::v1::ContainerStatus containerStatus(CriClient& client, const std::string& id) {
  runtime::v1::ContainerStatusRequest request;
  request.set_container_id(id);
  return client.call(client.runtime(), &CriClient::RuntimeStub::ContainerStatus, request).status();
}

// The previous attempt's log: <dir>/<attempt-1><ext>, where the kubelet's
// layout keeps it next to the current one.
std::string previousLogPath(const runtime::v1::ContainerStatus& status) {
  const std::string& path = status.log_path();
  const auto attempt = status.metadata().attempt();
  if (attempt == 0) throw crix::Error::notFound("previous terminated container " + status.id() + " not found");
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  const std::string ext = dot == std::string::npos || (slash != std::string::npos && dot < slash) ? "" : path.substr(dot);
  return path.substr(0, slash == std::string::npos ? 0 : slash + 1) + std::to_string(attempt - 1) + ext;
}

int runLogs(VerbContext& ctx) {
  if (ctx.args().size() != 1 || ctx.args().front().empty()) return ctx.showHelp();
  const std::string id = resolveContainerId(ctx.client, ctx.args().front());
  runtime::v1::ContainerStatus status;
  try {
    status = containerStatus(ctx.client, id);
  } catch (const crix::Error& e) {
    throw wrapError("get container status", e);
  }
  std::string logPath = status.log_path();
  if (logPath.empty()) throw crix::Error::failedPrecondition("the container has not set log path");
  if (ctx.options.flag("previous")) logPath = previousLogPath(status);

  CriLogPrinter::Options printOptions{.timestamps = ctx.options.flag("timestamps")};
  if (const std::string since = ctx.options.value("since"); !since.empty())
    printOptions.since = parseSince(since, nowUnixNanos());
  CriLogPrinter printer(std::cout, std::cerr, printOptions);

  LogReadOptions read;
  read.tailLines = ctx.options.integer("tail");
  read.follow = ctx.options.flag("follow");
  read.stillRunning = [&ctx, id] {
    try {
      const auto state = containerStatus(ctx.client, id).state();
      return state == runtime::v1::CONTAINER_RUNNING || state == runtime::v1::CONTAINER_CREATED;
    } catch (const crix::Error& e) {
      // Gone (removed) or unreachable: nothing more will be written that we
      // could wait for, so say why and end.
      clilog::write(clilog::Level::Warn, std::string("stop following the log: ") + e.what());
      return false;
    }
  };
  readLogFile(logPath, printer, read);
  return 0;
}

}  // namespace

Verb makeLogsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "logs",
      .usage = "Fetch the logs of a container",
      .argsUsage = "CONTAINER-ID",
      .options =
          {
              {.name = "follow", .shortName = "f", .kind = Kind::Bool, .usage = "Follow log output"},
              {.name = "previous",
               .shortName = "p",
               .kind = Kind::Bool,
               .usage = "Print the logs for the previous instance of the container in a pod if it exists"},
              {.name = "since",
               .kind = Kind::Value,
               .usage = "Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 "
                        "minutes)"},
              {.name = "tail",
               .kind = Kind::Value,
               .usage = "Number of lines to show from the end of the logs. Defaults to all",
               .defaultValue = "-1",
               .quoteDefault = false},
              {.name = "timestamps", .shortName = "t", .kind = Kind::Bool, .usage = "Show timestamps"},
          },
      .run = runLogs,
  };
}

}  // namespace crixctl

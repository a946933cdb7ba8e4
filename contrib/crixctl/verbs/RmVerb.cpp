// `crixctl rm [-f] [-a] [-k] ID...`: removes containers, printing each ID.
// A running container is refused unless -f, which stops it at once. The
// container's log file and its rotations are deleted too unless -k.
#include <glob.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// The log and its rotations (<log>.<suffix>), which crictl removes along.
std::vector<std::string> logFiles(const std::string& logPath) {
  std::vector<std::string> files;
  glob_t matches{};
  if (::glob((logPath + ".*").c_str(), 0, nullptr, &matches) == 0) {
    for (std::size_t i = 0; i < matches.gl_pathc; ++i) files.emplace_back(matches.gl_pathv[i]);
  }
  ::globfree(&matches);
  files.push_back(logPath);
  return files;
}

void removeOne(VerbContext& ctx, const std::string& given) {
  const std::string id = resolveContainerId(ctx.client, given);
  runtime::v1::ContainerStatusRequest request;
  request.set_container_id(id);
  runtime::v1::ContainerStatusResponse status;
  try {
    status = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ContainerStatus, request);
  } catch (const crix::Error& e) {
    throw wrapError("getting container status \"" + id + "\"", e);
  }
  if (status.status().state() == runtime::v1::CONTAINER_RUNNING) {
    if (!ctx.options.flag("force"))
      throw crix::Error::failedPrecondition("container \"" + given + "\" is running, please stop it first");
    try {
      stopContainer(ctx.client, id, 0, given);
    } catch (const crix::Error& e) {
      throw wrapError("stopping the container \"" + id + "\"", e);
    }
  }
  try {
    removeContainer(ctx.client, id, given);
  } catch (const crix::Error& e) {
    throw wrapError("removing container \"" + id + "\"", e);
  }
  const std::string& logPath = status.status().log_path();
  if (ctx.options.flag("keep-logs") || logPath.empty()) return;
  for (const auto& file : logFiles(logPath)) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) {
      clilog::write(clilog::Level::Error, "removing log file " + file + " for container \"" + given +
                                              "\" failed: " + std::strerror(errno));
    }
  }
}

int runRm(VerbContext& ctx) {
  std::vector<std::string> ids = ctx.args();
  if (ctx.options.flag("all")) {
    runtime::v1::ListContainersResponse listed =
        ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ListContainers, runtime::v1::ListContainersRequest{});
    ids.clear();
    for (const auto& c : listed.containers()) ids.push_back(c.id());
    if (ids.empty()) {
      clilog::write(clilog::Level::Info, "No containers to remove");
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

Verb makeRmVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "rm",
      .usage = "Remove one or more containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .options =
          {
              {.name = "force",
               .shortName = "f",
               .kind = Kind::Bool,
               .usage = "Force removal of the container, disregarding if running"},
              {.name = "keep-logs",
               .shortName = "k",
               .kind = Kind::Bool,
               .usage = "Preserve the container log file and its rotations"},
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Remove all containers"},
          },
      .run = runRm,
  };
}

}  // namespace crixctl

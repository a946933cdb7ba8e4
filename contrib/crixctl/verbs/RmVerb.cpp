// `crixctl rm [-f] [-a] [-k] ID...`: removes containers, printing each ID.
// A running container is refused unless -f, which stops it at once. The
// container's log file and its rotations are deleted too unless -k.
#include <glob.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/LifecycleCalls.h"
#include "contrib/crixctl/Removal.h"
#include "contrib/crixctl/StatusCalls.h"
#include "contrib/crixctl/Verb.h"

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
  const auto status =
      withContext("getting container status \"" + id + "\"", [&] { return containerStatus(ctx.client, id); });
  if (status.status().state() == runtime::v1::CONTAINER_RUNNING) {
    refuseUnlessForced(ctx, "container \"" + given + "\"");
    withContext("stopping the container \"" + id + "\"", [&] { stopContainer(ctx.client, id, 0, given); });
  }
  withContext("removing container \"" + id + "\"", [&] { removeContainer(ctx.client, id, given); });
  const std::string& logPath = status.status().log_path();
  if (ctx.options.flag("keep-logs") || logPath.empty()) return;
  for (const auto& file : logFiles(logPath)) {
    if (::unlink(file.c_str()) != 0 && errno != ENOENT) {
      clilog::write(clilog::Level::Error, "removing log file " + file + " for container \"" + given +
                                              "\" failed: " + std::strerror(errno));
    }
  }
}

std::vector<std::string> allContainers(CriClient& client) {
  const auto listed =
      client.call(client.runtime(), &CriClient::RuntimeStub::ListContainers, runtime::v1::ListContainersRequest{});
  std::vector<std::string> ids;
  for (const auto& c : listed.containers()) ids.push_back(c.id());
  return ids;
}

int runRm(VerbContext& ctx) {
  return removeEach(ctx, {.listAll = [&ctx] { return allContainers(ctx.client); },
                          .noneListed = "No containers to remove",
                          .removeOne = [&ctx](const std::string& given) { removeOne(ctx, given); }});
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

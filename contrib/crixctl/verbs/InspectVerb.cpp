// `crixctl inspect CONTAINER-ID...` (or the containers the filter flags
// select, running ones unless -a): each container's status (verbose, so
// with the runtime's `info`) as one JSON or YAML document, or crictl's
// "Key: value" lines with -o table.
#include <iostream>

#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/ListFlags.h"
#include "contrib/crixctl/StatusCalls.h"
#include "contrib/crixctl/StatusInspection.h"
#include "contrib/crixctl/StatusJson.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

void printLines(const runtime::v1::ContainerStatusResponse& r) {
  const auto& s = r.status();
  std::cout << "ID: " << s.id() << "\n";
  if (s.has_metadata()) {
    if (!s.metadata().name().empty()) std::cout << "Name: " << s.metadata().name() << "\n";
    if (s.metadata().attempt() != 0) std::cout << "Attempt: " << s.metadata().attempt() << "\n";
  }
  std::cout << "State: " << runtime::v1::ContainerState_Name(s.state()) << "\n";
  std::cout << "Created: " << agoText(s.created_at()) << "\n";
  if (s.state() != runtime::v1::CONTAINER_CREATED) std::cout << "Started: " << agoText(s.started_at()) << "\n";
  if (s.state() == runtime::v1::CONTAINER_EXITED) {
    if (s.finished_at() > 0) std::cout << "Finished: " << agoText(s.finished_at()) << "\n";
    std::cout << "Exit Code: " << s.exit_code() << "\n";
  }
  printLabelsAndAnnotations(s.labels(), s.annotations());
}

// Without IDs, the containers the filter flags select.
std::vector<std::string> selectedIds(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.args();
  std::vector<std::string> ids;
  for (const auto& c :
       withContext("listing containers", [&] { return listContainers(ctx.client, containerQuery(ctx.options)); }))
    ids.push_back(c.id());
  return ids;
}

int runInspect(VerbContext& ctx) {
  return inspectEach<runtime::v1::ContainerStatusResponse>(
      ctx, selectedIds(ctx),
      {.fetch =
           [&ctx](const std::string& given, bool verbose) {
             return withContext("get the status of containers: get container status", [&] {
               return containerStatus(ctx.client, resolveContainerId(ctx.client, given), verbose);
             });
           },
       .statusJson = [](const auto& response) { return containerStatusJson(response.status()); },
       .printLines = printLines});
}

}  // namespace

Verb makeInspectVerb() {
  return Verb{
      .name = "inspect",
      .usage = "Display the status of one or more containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .options = optionsOf({statusOutputOptions(), containerFilterOptions()}),
      .run = runInspect,
  };
}

}  // namespace crixctl

// `crixctl inspectp POD-ID...` (or the pods the filter flags select): each
// pod's status (verbose, so with the runtime's `info`) as one JSON or YAML
// document, or crictl's "Key: value" lines with -o table.
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

void printLines(const runtime::v1::PodSandboxStatusResponse& r) {
  const auto& s = r.status();
  std::cout << "ID: " << s.id() << "\n";
  if (s.has_metadata()) {
    const auto& m = s.metadata();
    if (!m.name().empty()) std::cout << "Name: " << m.name() << "\n";
    if (!m.uid().empty()) std::cout << "UID: " << m.uid() << "\n";
    if (!m.namespace_().empty()) std::cout << "Namespace: " << m.namespace_() << "\n";
    std::cout << "Attempt: " << m.attempt() << "\n";
  }
  std::cout << "Status: " << runtime::v1::PodSandboxState_Name(s.state()) << "\n";
  std::cout << "Created: " << goTimeString(s.created_at()) << "\n";
  if (s.has_network()) {
    std::cout << "IP Addresses: " << s.network().ip() << "\n";
    for (const auto& ip : s.network().additional_ips()) std::cout << "Additional IP: " << ip.ip() << "\n";
  }
  printLabelsAndAnnotations(s.labels(), s.annotations());
}

// Without IDs, the pods the filter flags select.
std::vector<std::string> selectedIds(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.args();
  std::vector<std::string> ids;
  for (const auto& p :
       withContext("listing pod sandboxes", [&] { return listPods(ctx.client, podQuery(ctx.options)); }))
    ids.push_back(p.id());
  return ids;
}

int runInspectp(VerbContext& ctx) {
  return inspectEach<runtime::v1::PodSandboxStatusResponse>(
      ctx, selectedIds(ctx),
      {.fetch =
           [&ctx](const std::string& given, bool verbose) {
             return withContext("get the status of pod sandboxes: get pod sandbox status", [&] {
               return podSandboxStatus(ctx.client, resolvePodId(ctx.client, given), verbose);
             });
           },
       .statusJson = [](const auto& response) { return podStatusJson(response.status()); },
       .printLines = printLines});
}

}  // namespace

Verb makeInspectpVerb() {
  return Verb{
      .name = "inspectp",
      .usage = "Display the status of one or more pods",
      .argsUsage = "POD-ID [POD-ID...]",
      .options = optionsOf({statusOutputOptions(), podFilterOptions()}),
      .run = runInspectp,
  };
}

}  // namespace crixctl

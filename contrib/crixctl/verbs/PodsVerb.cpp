// `crixctl pods`: the runtime's pods, newest first, as crictl lists them: a
// table (POD ID CREATED STATE NAME NAMESPACE ATTEMPT RUNTIME), IDs with -q,
// "Key: value" blocks with -v, or the ListPodSandboxResponse as JSON/YAML.
#include <iostream>

#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/ListFlags.h"
#include "contrib/crixctl/ListingOutput.h"
#include "contrib/crixctl/MapLines.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

std::string runtimeHandlerOf(const runtime::v1::PodSandbox& pod) {
  return pod.runtime_handler().empty() ? "(default)" : pod.runtime_handler();
}

void printVerbose(const runtime::v1::PodSandbox& pod) {
  std::cout << "ID: " << pod.id() << "\n";
  if (pod.has_metadata()) {
    const auto& m = pod.metadata();
    if (!m.name().empty()) std::cout << "Name: " << m.name() << "\n";
    if (!m.uid().empty()) std::cout << "UID: " << m.uid() << "\n";
    if (!m.namespace_().empty()) std::cout << "Namespace: " << m.namespace_() << "\n";
    if (m.attempt() != 0) std::cout << "Attempt: " << m.attempt() << "\n";
  }
  std::cout << "Status: " << podStateTitle(pod.state()) << "\n";
  std::cout << "Created: " << goTimeString(pod.created_at()) << "\n";
  printLabelsAndAnnotations(pod.labels(), pod.annotations());
  std::cout << "Runtime: " << runtimeHandlerOf(pod) << "\n\n";
}

int runPods(VerbContext& ctx) {
  ctx.client.runtime();
  const std::string failure = "listing pod sandboxes: list pod sandboxes";
  const std::string format = listFormat(ctx, failure);
  auto pods = withContext(failure, [&] {
    auto query = podQuery(ctx.options);
    query.id = ctx.options.value("id");
    return listPods(ctx.client, query);
  });
  const bool noTrunc = ctx.options.flag("no-trunc");
  printListing(
      ctx, format, std::move(pods), &runtime::v1::ListPodSandboxResponse::mutable_items,
      {.header = {"POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"},
       .row =
           [noTrunc](const auto& pod) {
             return std::vector<std::string>{noTrunc ? pod.id() : truncatedId(pod.id()), agoText(pod.created_at()),
                                             podStateTitle(pod.state()), pod.metadata().name(),
                                             pod.metadata().namespace_(), std::to_string(pod.metadata().attempt()),
                                             runtimeHandlerOf(pod)};
           },
       .printVerbose = printVerbose});
  return 0;
}

}  // namespace

Verb makePodsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "pods",
      .usage = "List pods",
      .options = optionsOf({
          podFilterOptions(),
          listingOptions("Show verbose info for pods", "List only pod IDs"),
          {{.name = "id", .kind = Kind::Value, .usage = "filter by pod id"}},
      }),
      .run = runPods,
  };
}

}  // namespace crixctl

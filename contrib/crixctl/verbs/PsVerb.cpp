// `crixctl ps`: the runtime's containers, newest first, as crictl lists
// them: a table (CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID POD
// NAMESPACE), IDs with -q, "Key: value" blocks with -v, or the
// ListContainersResponse as JSON or YAML. Running ones only unless -a,
// --state, --latest or --last.
#include <iostream>
#include <regex>

#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/ListFlags.h"
#include "contrib/crixctl/ListingOutput.h"
#include "contrib/crixctl/MapLines.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {
namespace {

// An image shown as a digest ("sha256:<hex>") is cut like an ID.
std::string shortImage(const std::string& image) {
  static const std::regex digest("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
  if (!std::regex_match(image, digest)) return image;
  const auto colon = image.find(':');
  return truncatedId(image, image.substr(0, colon + 1));
}

void printVerbose(const runtime::v1::Container& c) {
  std::cout << "ID: " << c.id() << "\n";
  std::cout << "PodID: " << c.pod_sandbox_id() << "\n";
  std::cout << "Namespace: " << podNamespaceLabel(c.labels()) << "\n";
  if (c.has_metadata()) {
    if (!c.metadata().name().empty()) std::cout << "Name: " << c.metadata().name() << "\n";
    std::cout << "Attempt: " << c.metadata().attempt() << "\n";
  }
  std::cout << "State: " << containerStateTitle(c.state()) << "\n";
  if (c.has_image()) std::cout << "Image: " << c.image().image() << "\n";
  std::cout << "Created: " << agoText(c.created_at()) << "\n";
  printLabelsAndAnnotations(c.labels(), c.annotations());
  std::cout << "\n";
}

std::vector<std::string> row(const runtime::v1::Container& c, bool noTrunc) {
  std::string id = c.id(), podId = c.pod_sandbox_id(), image = c.image().image();
  if (!noTrunc) {
    id = truncatedId(id);
    podId = truncatedId(podId);
    image = shortImage(image);
  }
  return {id, image, agoText(c.created_at()), containerStateTitle(c.state()), c.metadata().name(),
          std::to_string(c.metadata().attempt()), podId, podNameLabel(c.labels()), podNamespaceLabel(c.labels())};
}

int runPs(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.showHelp();
  ctx.client.runtime();
  const std::string failure = "listing containers: list containers";
  const std::string format = listFormat(ctx, failure);
  auto list = withContext(failure, [&] {
    auto query = containerQuery(ctx.options);
    query.id = ctx.options.value("id");
    return listContainers(ctx.client, query);
  });
  const bool noTrunc = ctx.options.flag("no-trunc");
  printListing(
      ctx, format, std::move(list), &runtime::v1::ListContainersResponse::mutable_containers,
      {.header = {"CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"},
       .row = [noTrunc](const auto& c) { return row(c, noTrunc); },
       .printVerbose = printVerbose});
  return 0;
}

}  // namespace

Verb makePsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "ps",
      .usage = "List containers",
      .options = optionsOf({
          containerFilterOptions(),
          listingOptions("Show verbose information for containers", "Only display container IDs"),
          {{.name = "id", .kind = Kind::Value, .usage = "Filter by container id"}},
      }),
      .run = runPs,
  };
}

}  // namespace crixctl

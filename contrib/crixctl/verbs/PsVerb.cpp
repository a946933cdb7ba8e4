// `crixctl ps`: the runtime's containers, newest first, as crictl lists
// them: a table (CONTAINER IMAGE CREATED STATE NAME ATTEMPT POD ID POD
// NAMESPACE), IDs with -q, "Key: value" blocks with -v, or the
// ListContainersResponse as JSON or YAML. Running ones only unless -a,
// --state, --latest or --last.
#include <algorithm>
#include <iostream>
#include <map>
#include <regex>

#include "contrib/crixctl/ContainerList.h"
#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

using Containers = std::vector<runtime::v1::Container>;

// An image shown as a digest ("sha256:<hex>") is cut like an ID.
std::string shortImage(const std::string& image) {
  static const std::regex digest("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-fA-F0-9]{32,}");
  if (!std::regex_match(image, digest)) return image;
  const auto colon = image.find(':');
  return truncatedId(image, image.substr(0, colon + 1));
}

void printSortedMap(const char* title, const google::protobuf::Map<std::string, std::string>& map) {
  std::cout << title << ":\n";
  for (const auto& [k, v] : std::map<std::string, std::string>(map.begin(), map.end()))
    std::cout << "\t" << k << " -> " << v << "\n";
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
  // Go prints these for any non-nil map; protobuf leaves us no nil, so
  // empty ones are left out.
  if (!c.labels().empty()) printSortedMap("Labels", c.labels());
  if (!c.annotations().empty()) printSortedMap("Annotations", c.annotations());
  std::cout << "\n";
}

int runPs(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.showHelp();
  ctx.client.runtime();
  const std::string format = ctx.options.value("output");
  if (format != "json" && format != "yaml" && format != "table")
    throw crix::Error::invalidArgument("listing containers: list containers: unsupported output format \"" + format +
                                       "\"");
  Containers list;
  try {
    list = listContainers(ctx.client, {.id = ctx.options.value("id"),
                                       .podId = ctx.options.value("pod"),
                                       .state = ctx.options.value("state"),
                                       .all = ctx.options.flag("all"),
                                       .labels = ctx.options.values("label"),
                                       .namePattern = ctx.options.value("name"),
                                       .namespacePattern = ctx.options.value("namespace"),
                                       .image = ctx.options.value("image"),
                                       .latest = ctx.options.flag("latest"),
                                       .last = ctx.options.integer("last")});
  } catch (const crix::Error& e) {
    throw wrapError("listing containers: list containers", e);
  }

  if (format != "table") {
    runtime::v1::ListContainersResponse response;
    for (auto& c : list) *response.add_containers() = std::move(c);
    format == "json" ? printProtoAsJson(response) : printProtoAsYaml(response);
    return 0;
  }
  const bool quiet = ctx.options.flag("quiet"), verbose = ctx.options.flag("verbose");
  const bool noTrunc = ctx.options.flag("no-trunc");
  TableWriter table = TableWriter::crictlTable();
  if (!verbose && !quiet)
    table.addRow({"CONTAINER", "IMAGE", "CREATED", "STATE", "NAME", "ATTEMPT", "POD ID", "POD", "NAMESPACE"});
  for (const auto& c : list) {
    if (quiet) {
      std::cout << c.id() << "\n";
      continue;
    }
    if (verbose) {
      printVerbose(c);
      continue;
    }
    std::string id = c.id(), podId = c.pod_sandbox_id(), image = c.image().image();
    if (!noTrunc) {
      id = truncatedId(id);
      podId = truncatedId(podId);
      image = shortImage(image);
    }
    table.addRow({id, image, agoText(c.created_at()), containerStateTitle(c.state()), c.metadata().name(),
                  std::to_string(c.metadata().attempt()), podId, podNameLabel(c.labels()),
                  podNamespaceLabel(c.labels())});
  }
  std::cout << table.render();
  return 0;
}

}  // namespace

Verb makePsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "ps",
      .usage = "List containers",
      .options =
          {
              {.name = "verbose", .shortName = "v", .kind = Kind::Bool, .usage = "Show verbose information for containers"},
              {.name = "id", .kind = Kind::Value, .usage = "Filter by container id"},
              {.name = "name", .kind = Kind::Value, .usage = "Filter by container name regular expression pattern"},
              {.name = "pod", .shortName = "p", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "image", .kind = Kind::Value, .usage = "Filter by container image"},
              {.name = "state", .shortName = "s", .kind = Kind::Value, .usage = "Filter by container state"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
              {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "Only display container IDs"},
              {.name = "output",
               .shortName = "o",
               .kind = Kind::Value,
               .usage = "Output format, One of: json|yaml|table",
               .defaultValue = "table"},
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Show all containers"},
              {.name = "latest",
               .shortName = "l",
               .kind = Kind::Bool,
               .usage = "Show the most recently created container (includes all states)"},
              {.name = "last",
               .shortName = "n",
               .kind = Kind::Value,
               .usage = "Show last n recently created containers (includes all states). Set 0 for unlimited.",
               .defaultValue = "0",
               .quoteDefault = false},
              {.name = "no-trunc", .kind = Kind::Bool, .usage = "Show output without truncating the ID"},
              {.name = "namespace", .kind = Kind::Value, .usage = "Filter by pod namespace regular expression pattern"},
          },
      .run = runPs,
  };
}

}  // namespace crixctl

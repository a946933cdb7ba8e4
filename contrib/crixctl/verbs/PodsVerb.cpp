// `crixctl pods`: the runtime's pods, newest first, as crictl lists them: a
// table (POD ID CREATED STATE NAME NAMESPACE ATTEMPT RUNTIME), IDs with -q,
// "Key: value" blocks with -v, or the ListPodSandboxResponse as JSON/YAML.
#include <algorithm>
#include <iostream>
#include <map>

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

using Pods = std::vector<runtime::v1::PodSandbox>;

std::string runtimeHandlerOf(const runtime::v1::PodSandbox& pod) {
  return pod.runtime_handler().empty() ? "(default)" : pod.runtime_handler();
}

void printSortedMap(const char* title, const google::protobuf::Map<std::string, std::string>& map) {
  std::cout << title << ":\n";
  for (const auto& [k, v] : std::map<std::string, std::string>(map.begin(), map.end()))
    std::cout << "\t" << k << " -> " << v << "\n";
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
  if (!pod.labels().empty()) printSortedMap("Labels", pod.labels());
  if (!pod.annotations().empty()) printSortedMap("Annotations", pod.annotations());
  std::cout << "Runtime: " << runtimeHandlerOf(pod) << "\n\n";
}

int runPods(VerbContext& ctx) {
  ctx.client.runtime();
  const std::string format = ctx.options.value("output");
  if (format != "json" && format != "yaml" && format != "table")
    throw crix::Error::invalidArgument("listing pod sandboxes: list pod sandboxes: unsupported output format \"" +
                                       format + "\"");
  Pods pods;
  try {
    pods = listPods(ctx.client, {.id = ctx.options.value("id"),
                                 .state = ctx.options.value("state"),
                                 .labels = ctx.options.values("label"),
                                 .namePattern = ctx.options.value("name"),
                                 .namespacePattern = ctx.options.value("namespace"),
                                 .latest = ctx.options.flag("latest"),
                                 .last = ctx.options.integer("last")});
  } catch (const crix::Error& e) {
    throw wrapError("listing pod sandboxes: list pod sandboxes", e);
  }
  if (format != "table") {
    runtime::v1::ListPodSandboxResponse response;
    for (auto& p : pods) *response.add_items() = std::move(p);
    format == "json" ? printProtoAsJson(response) : printProtoAsYaml(response);
    return 0;
  }
  const bool quiet = ctx.options.flag("quiet"), verbose = ctx.options.flag("verbose");
  TableWriter table = TableWriter::crictlTable();
  if (!verbose && !quiet) table.addRow({"POD ID", "CREATED", "STATE", "NAME", "NAMESPACE", "ATTEMPT", "RUNTIME"});
  for (const auto& pod : pods) {
    if (quiet) {
      std::cout << pod.id() << "\n";
      continue;
    }
    if (verbose) {
      printVerbose(pod);
      continue;
    }
    const std::string id = ctx.options.flag("no-trunc") ? pod.id() : truncatedId(pod.id());
    table.addRow({id, agoText(pod.created_at()), podStateTitle(pod.state()), pod.metadata().name(),
                  pod.metadata().namespace_(), std::to_string(pod.metadata().attempt()), runtimeHandlerOf(pod)});
  }
  std::cout << table.render();
  return 0;
}

}  // namespace

Verb makePodsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "pods",
      .usage = "List pods",
      .options =
          {
              {.name = "id", .kind = Kind::Value, .usage = "filter by pod id"},
              {.name = "name", .kind = Kind::Value, .usage = "Filter by pod name regular expression pattern"},
              {.name = "namespace", .kind = Kind::Value, .usage = "Filter by pod namespace regular expression pattern"},
              {.name = "state", .shortName = "s", .kind = Kind::Value, .usage = "Filter by pod state"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
              {.name = "verbose", .shortName = "v", .kind = Kind::Bool, .usage = "Show verbose info for pods"},
              {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "List only pod IDs"},
              {.name = "output",
               .shortName = "o",
               .kind = Kind::Value,
               .usage = "Output format, One of: json|yaml|table",
               .defaultValue = "table"},
              {.name = "latest", .shortName = "l", .kind = Kind::Bool, .usage = "Show the most recently created pod"},
              {.name = "last",
               .shortName = "n",
               .kind = Kind::Value,
               .usage = "Show last n recently created pods. Set 0 for unlimited",
               .defaultValue = "0",
               .quoteDefault = false},
              {.name = "no-trunc", .kind = Kind::Bool, .usage = "Show output without truncating the ID"},
          },
      .run = runPods,
  };
}

}  // namespace crixctl

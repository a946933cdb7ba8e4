// `crixctl inspect CONTAINER-ID...` (or the containers the filter flags
// select, running ones unless -a): each container's status (verbose, so
// with the runtime's `info`) as one JSON or YAML document, or crictl's
// "Key: value" lines with -o table.
#include <iostream>
#include <map>

#include "contrib/crixctl/ContainerList.h"
#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/StatusJson.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// Go's %v of a map[string]string: map[k1:v1 k2:v2], keys sorted.
std::string goMapText(const google::protobuf::Map<std::string, std::string>& map) {
  std::string out = "map[";
  for (const auto& [k, v] : std::map<std::string, std::string>(map.begin(), map.end()))
    out += (out.size() > 4 ? " " : "") + k + ":" + v;
  return out + "]";
}

void printSortedMap(const char* title, const google::protobuf::Map<std::string, std::string>& map) {
  std::cout << title << ":\n";
  for (const auto& [k, v] : std::map<std::string, std::string>(map.begin(), map.end()))
    std::cout << "\t" << k << " -> " << v << "\n";
}

void printTable(const runtime::v1::ContainerStatusResponse& r, bool verbose) {
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
  if (!s.labels().empty()) printSortedMap("Labels", s.labels());
  if (!s.annotations().empty()) printSortedMap("Annotations", s.annotations());
  if (verbose) std::cout << "Info: " << goMapText(r.info()) << "\n";
}

// Without IDs, the containers the filter flags select.
std::vector<std::string> selectedIds(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.args();
  std::vector<std::string> ids;
  try {
    for (const auto& c : listContainers(ctx.client, {.podId = ctx.options.value("pod"),
                                                     .state = ctx.options.value("state"),
                                                     .all = ctx.options.flag("all"),
                                                     .labels = ctx.options.values("label"),
                                                     .namePattern = ctx.options.value("name"),
                                                     .namespacePattern = ctx.options.value("namespace"),
                                                     .image = ctx.options.value("image"),
                                                     .latest = ctx.options.flag("latest"),
                                                     .last = ctx.options.integer("last")}))
      ids.push_back(c.id());
  } catch (const crix::Error& e) {
    throw wrapError("listing containers", e);
  }
  return ids;
}

int runInspect(VerbContext& ctx) {
  const auto ids = selectedIds(ctx);
  if (ids.empty()) {
    clilog::write(clilog::Level::Error, "No IDs provided or nothing found per filter");
    return ctx.showHelp();
  }
  const bool verbose = !ctx.options.flag("quiet");
  std::string format = ctx.options.value("output");
  if (format.empty()) format = "json";
  if (format == "go-template") throw crix::Error::unimplemented("crixctl does not support go-template output yet");

  std::vector<StatusData> statuses;
  for (const auto& given : ids) {
    runtime::v1::ContainerStatusResponse response;
    try {
      runtime::v1::ContainerStatusRequest request;
      request.set_container_id(resolveContainerId(ctx.client, given));
      request.set_verbose(verbose);
      response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ContainerStatus, request);
    } catch (const crix::Error& e) {
      throw wrapError("get the status of containers: get container status", e);
    }
    if (format == "table") {
      printTable(response, verbose);
      continue;
    }
    StatusData data;
    data.status = containerStatusJson(response.status());
    data.info.insert(response.info().begin(), response.info().end());
    statuses.push_back(std::move(data));
  }
  printStatusData(statuses, format);
  return 0;
}

}  // namespace

Verb makeInspectVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "inspect",
      .usage = "Display the status of one or more containers",
      .argsUsage = "CONTAINER-ID [CONTAINER-ID...]",
      .options =
          {
              {.name = "output",
               .shortName = "o",
               .kind = Kind::Value,
               .usage = "Output format, One of: json|yaml|table (go-template is not supported yet)"},
              {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "Do not show verbose information"},
              {.name = "template",
               .kind = Kind::Value,
               .usage = "The template string is only used when output is go-template; The Template format is "
                        "golang template"},
              {.name = "name", .kind = Kind::Value, .usage = "Filter by container name regular expression pattern"},
              {.name = "namespace", .kind = Kind::Value, .usage = "Filter by pod namespace regular expression pattern"},
              {.name = "pod", .shortName = "p", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "image", .kind = Kind::Value, .usage = "Filter by container image"},
              {.name = "state", .shortName = "s", .kind = Kind::Value, .usage = "Filter by container state"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
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
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Show all containers"},
          },
      .run = runInspect,
  };
}

}  // namespace crixctl

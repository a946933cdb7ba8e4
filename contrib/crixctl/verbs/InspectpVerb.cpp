// `crixctl inspectp POD-ID...` (or the pods the filter flags select): each
// pod's status (verbose, so with the
// runtime's `info`) as one JSON or YAML document, or crictl's "Key: value"
// lines with -o table.
#include <iostream>
#include <map>

#include "contrib/crixctl/ContainerList.h"
#include "contrib/crixctl/GoTime.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/StatusJson.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

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

void printTable(const runtime::v1::PodSandboxStatusResponse& r, bool verbose) {
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
  if (!s.labels().empty()) printSortedMap("Labels", s.labels());
  if (!s.annotations().empty()) printSortedMap("Annotations", s.annotations());
  if (verbose) std::cout << "Info: " << goMapText(r.info()) << "\n";
}

// Without IDs, the pods the filter flags select.
std::vector<std::string> selectedIds(VerbContext& ctx) {
  if (!ctx.args().empty()) return ctx.args();
  std::vector<std::string> ids;
  try {
    for (const auto& p : listPods(ctx.client, {.state = ctx.options.value("state"),
                                               .labels = ctx.options.values("label"),
                                               .namePattern = ctx.options.value("name"),
                                               .namespacePattern = ctx.options.value("namespace"),
                                               .latest = ctx.options.flag("latest"),
                                               .last = ctx.options.integer("last")}))
      ids.push_back(p.id());
  } catch (const crix::Error& e) {
    throw wrapError("listing pod sandboxes", e);
  }
  return ids;
}

int runInspectp(VerbContext& ctx) {
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
    runtime::v1::PodSandboxStatusResponse response;
    try {
      runtime::v1::PodSandboxStatusRequest request;
      request.set_pod_sandbox_id(resolvePodId(ctx.client, given));
      request.set_verbose(verbose);
      response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::PodSandboxStatus, request);
    } catch (const crix::Error& e) {
      throw wrapError("get the status of pod sandboxes: get pod sandbox status", e);
    }
    if (format == "table") {
      printTable(response, verbose);
      continue;
    }
    StatusData data;
    data.status = podStatusJson(response.status());
    data.info.insert(response.info().begin(), response.info().end());
    statuses.push_back(std::move(data));
  }
  printStatusData(statuses, format);
  return 0;
}

}  // namespace

Verb makeInspectpVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "inspectp",
      .usage = "Display the status of one or more pods",
      .argsUsage = "POD-ID [POD-ID...]",
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
              {.name = "name", .kind = Kind::Value, .usage = "Filter by pod name regular expression pattern"},
              {.name = "namespace", .kind = Kind::Value, .usage = "Filter by pod namespace regular expression pattern"},
              {.name = "state", .shortName = "s", .kind = Kind::Value, .usage = "Filter by pod state"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
              {.name = "latest", .shortName = "l", .kind = Kind::Bool, .usage = "Show the most recently created pod"},
              {.name = "last",
               .shortName = "n",
               .kind = Kind::Value,
               .usage = "Show last n recently created pods. Set 0 for unlimited",
               .defaultValue = "0",
               .quoteDefault = false},
          },
      .run = runInspectp,
  };
}

}  // namespace crixctl

// `crixctl statsp [ID]`: pods' resource usage as crictl shows it: two
// samples `--seconds` apart for the CPU percentage, then a table (POD POD ID
// CPU % MEM), or one ListPodSandboxStatsResponse as JSON/YAML.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <map>
#include <thread>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

runtime::v1::ListPodSandboxStatsResponse fetch(CriClient& client,
                                               const runtime::v1::ListPodSandboxStatsRequest& request) {
  auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListPodSandboxStats, request);
  std::sort(response.mutable_stats()->begin(), response.mutable_stats()->end(),
            [](const auto& a, const auto& b) { return a.attributes().id() < b.attributes().id(); });
  return response;
}

void showOnce(VerbContext& ctx, const runtime::v1::ListPodSandboxStatsRequest& request, const std::string& format,
              bool clearScreen) {
  auto first = fetch(ctx.client, request);
  if (format == "json" || format == "yaml") {
    format == "json" ? printProtoAsJson(first) : printProtoAsYaml(first);
    return;
  }
  std::map<std::string, runtime::v1::PodSandboxStats> before;
  for (const auto& s : first.stats()) before[s.attributes().id()] = s;
  std::this_thread::sleep_for(std::chrono::seconds(ctx.options.integer("seconds")));
  const auto second = fetch(ctx.client, request);

  TableWriter table = TableWriter::crictlTable();
  table.addRow({"POD", "POD ID", "CPU %", "MEM"});
  for (const auto& s : second.stats()) {
    const std::string id = truncatedId(s.attributes().id());
    if (s.has_linux() && s.has_windows())
      throw crix::Error::internal("pod \"" + id + "\" has both linux and windows stats which is not supported");
    const std::uint64_t cpu = s.linux().cpu().usage_core_nano_seconds().value();
    const std::uint64_t mem = s.linux().memory().working_set_bytes().value();
    if (cpu == 0 && mem == 0) continue;  // no data
    const auto old = before.find(s.attributes().id());
    if (old == before.end()) continue;  // appeared during the sample
    double percent = 0;
    if (cpu != 0) {
      const std::int64_t span = s.linux().cpu().timestamp() - old->second.linux().cpu().timestamp();
      if (span == 0) throw crix::Error::unavailable("cpu stat is not updated during sample");
      percent = static_cast<double>(cpu - old->second.linux().cpu().usage_core_nano_seconds().value()) / span * 100;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.2f", percent);
    table.addRow({s.attributes().metadata().name(), id, text, humanSize(static_cast<double>(mem))});
  }
  if (clearScreen) std::cout << "\033[2J\033[H";
  std::cout << table.render() << std::flush;
}

int runStatsp(VerbContext& ctx) {
  if (ctx.args().size() > 1) return ctx.showHelp();
  ctx.client.runtime();
  std::string id = ctx.options.value("id");
  if (id.empty() && !ctx.args().empty()) id = ctx.args().front();

  runtime::v1::ListPodSandboxStatsRequest request;
  auto& filter = *request.mutable_filter();
  filter.set_id(id.empty() ? id : resolvePodId(ctx.client, id));
  for (const auto& [k, v] : parseLabels(ctx.options.values("label"))) (*filter.mutable_label_selector())[k] = v;

  const std::string format = ctx.options.value("output");
  const bool watch = ctx.options.flag("watch");
  try {
    do {
      showOnce(ctx, request, format, watch);
    } while (watch);
  } catch (const crix::Error& e) {
    throw wrapError("get pod stats: list pod sandbox stats", e);
  }
  return 0;
}

}  // namespace

Verb makeStatspVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "statsp",
      .usage = "List pod statistics. Stats represent a structured API that will fulfill the Kubelet's /stats/summary "
               "endpoint.",
      .argsUsage = "[ID]",
      .options =
          {
              {.name = "id", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
              {.name = "output", .shortName = "o", .kind = Kind::Value, .usage = "Output format, One of: json|yaml|table"},
              {.name = "seconds",
               .shortName = "s",
               .kind = Kind::Value,
               .usage = "Sample duration for CPU usage in seconds",
               .defaultValue = "1",
               .quoteDefault = false},
              {.name = "watch", .shortName = "w", .kind = Kind::Bool, .usage = "Watch pod statistics"},
          },
      .run = runStatsp,
  };
}

}  // namespace crixctl

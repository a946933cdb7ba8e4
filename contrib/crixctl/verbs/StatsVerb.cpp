// `crixctl stats [ID]`: containers' resource usage as crictl shows it: two
// samples `--seconds` apart for the CPU percentage, then a table (CONTAINER
// NAME CPU % MEM DISK INODES), or one ListContainerStatsResponse as
// JSON/YAML. Containers using nothing (not running) only with -a.
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

runtime::v1::ListContainerStatsResponse fetch(CriClient& client, const runtime::v1::ListContainerStatsRequest& request) {
  auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListContainerStats, request);
  std::sort(response.mutable_stats()->begin(), response.mutable_stats()->end(),
            [](const auto& a, const auto& b) { return a.attributes().id() < b.attributes().id(); });
  return response;
}

std::string cpuPercent(std::uint64_t used, std::uint64_t usedBefore, std::int64_t nanos) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", nanos > 0 ? static_cast<double>(used - usedBefore) / nanos * 100 : 0.0);
  return text;
}

void showOnce(VerbContext& ctx, const runtime::v1::ListContainerStatsRequest& request, const std::string& format,
              bool clearScreen) {
  auto first = fetch(ctx.client, request);
  if (format == "json" || format == "yaml") {
    format == "json" ? printProtoAsJson(first) : printProtoAsYaml(first);
    return;
  }
  std::map<std::string, runtime::v1::ContainerStats> before;
  for (const auto& s : first.stats()) before[s.attributes().id()] = s;
  std::this_thread::sleep_for(std::chrono::seconds(ctx.options.integer("seconds")));
  const auto second = fetch(ctx.client, request);

  TableWriter table = TableWriter::crictlTable();
  table.addRow({"CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES"});
  for (const auto& s : second.stats()) {
    const std::uint64_t cpu = s.cpu().usage_core_nano_seconds().value();
    const std::uint64_t mem = s.memory().working_set_bytes().value();
    if (!ctx.options.flag("all") && cpu == 0 && mem == 0) continue;  // not running
    const auto old = before.find(s.attributes().id());
    if (old == before.end()) continue;  // appeared during the sample
    std::string percent = "0.00";
    if (cpu != 0) {
      const std::int64_t span = s.cpu().timestamp() - old->second.cpu().timestamp();
      if (span == 0) throw crix::Error::unavailable("cpu stat is not updated during sample");
      percent = cpuPercent(cpu, old->second.cpu().usage_core_nano_seconds().value(), span);
    }
    table.addRow({truncatedId(s.attributes().id()), s.attributes().metadata().name(), percent,
                  humanSize(static_cast<double>(mem)),
                  humanSize(static_cast<double>(s.writable_layer().used_bytes().value())),
                  std::to_string(s.writable_layer().inodes_used().value())});
  }
  // Only a watch redraws; a single table stays plain for pipes and scripts.
  if (clearScreen) std::cout << "\033[2J\033[H";
  std::cout << table.render() << std::flush;
}

int runStats(VerbContext& ctx) {
  if (ctx.args().size() > 1) return ctx.showHelp();
  ctx.client.runtime();
  std::string id = ctx.options.value("id");
  if (id.empty() && !ctx.args().empty()) id = ctx.args().front();

  runtime::v1::ListContainerStatsRequest request;
  auto& filter = *request.mutable_filter();
  filter.set_id(id.empty() ? id : resolveContainerId(ctx.client, id));
  const std::string pod = ctx.options.value("pod");
  filter.set_pod_sandbox_id(pod.empty() ? pod : resolvePodId(ctx.client, pod));
  for (const auto& [k, v] : parseLabels(ctx.options.values("label"))) (*filter.mutable_label_selector())[k] = v;

  const std::string format = ctx.options.value("output");
  const bool watch = ctx.options.flag("watch");
  try {
    do {
      showOnce(ctx, request, format, watch);
    } while (watch);
  } catch (const crix::Error& e) {
    throw wrapError("get container stats", e);
  }
  return 0;
}

}  // namespace

Verb makeStatsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "stats",
      .usage = "List container(s) resource usage statistics",
      .argsUsage = "[ID]",
      .options =
          {
              {.name = "all", .shortName = "a", .kind = Kind::Bool, .usage = "Show all containers (default shows just running)"},
              {.name = "id", .kind = Kind::Value, .usage = "Filter by container id"},
              {.name = "pod", .shortName = "p", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
              {.name = "output", .shortName = "o", .kind = Kind::Value, .usage = "Output format, One of: json|yaml|table"},
              {.name = "seconds",
               .shortName = "s",
               .kind = Kind::Value,
               .usage = "Sample duration for CPU usage in seconds",
               .defaultValue = "1",
               .quoteDefault = false},
              {.name = "watch", .shortName = "w", .kind = Kind::Bool, .usage = "Watch pod resources"},
          },
      .run = runStats,
  };
}

}  // namespace crixctl

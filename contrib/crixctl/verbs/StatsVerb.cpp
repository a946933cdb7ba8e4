// `crixctl stats [ID]`: containers' resource usage as crictl shows it: two
// samples `--seconds` apart for the CPU percentage, then a table (CONTAINER
// NAME CPU % MEM DISK INODES), or one ListContainerStatsResponse as
// JSON/YAML. Containers using nothing (not running) only with -a.
#include <cstdio>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/IdResolver.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/StatsSampling.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

std::string cpuPercent(std::uint64_t used, std::uint64_t usedBefore, std::int64_t nanos) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", nanos > 0 ? static_cast<double>(used - usedBefore) / nanos * 100 : 0.0);
  return text;
}

std::vector<std::string> row(const runtime::v1::ContainerStats& s, const runtime::v1::ContainerStats& old) {
  const std::uint64_t cpu = s.cpu().usage_core_nano_seconds().value();
  std::string percent = "0.00";
  if (cpu != 0) {
    const std::int64_t span = s.cpu().timestamp() - old.cpu().timestamp();
    if (span == 0) throw crix::Error::unavailable("cpu stat is not updated during sample");
    percent = cpuPercent(cpu, old.cpu().usage_core_nano_seconds().value(), span);
  }
  return {truncatedId(s.attributes().id()), s.attributes().metadata().name(), percent,
          humanSize(static_cast<double>(s.memory().working_set_bytes().value())),
          humanSize(static_cast<double>(s.writable_layer().used_bytes().value())),
          std::to_string(s.writable_layer().inodes_used().value())};
}

int runStats(VerbContext& ctx) {
  if (ctx.args().size() > 1) return ctx.showHelp();
  ctx.client.runtime();
  const std::string id = statsTargetId(ctx);

  runtime::v1::ListContainerStatsRequest request;
  auto& filter = *request.mutable_filter();
  filter.set_id(id.empty() ? id : resolveContainerId(ctx.client, id));
  const std::string pod = ctx.options.value("pod");
  filter.set_pod_sandbox_id(pod.empty() ? pod : resolvePodId(ctx.client, pod));
  setParsedLabels(*filter.mutable_label_selector(), ctx.options.values("label"));

  const bool all = ctx.options.flag("all");
  showStats<runtime::v1::ListContainerStatsResponse>(
      ctx,
      {.fetch =
           [&ctx, &request] {
             return ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ListContainerStats, request);
           },
       .header = {"CONTAINER", "NAME", "CPU %", "MEM", "DISK", "INODES"},
       // A container that uses nothing is not running.
       .shown =
           [all](const auto& s) {
             return all || s.cpu().usage_core_nano_seconds().value() != 0 ||
                    s.memory().working_set_bytes().value() != 0;
           },
       .row = row},
      "get container stats");
  return 0;
}

}  // namespace

Verb makeStatsVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "stats",
      .usage = "List container(s) resource usage statistics",
      .argsUsage = "[ID]",
      .options = optionsOf({
          statsSamplingOptions("Watch pod resources"),
          {
              {.name = "all",
               .shortName = "a",
               .kind = Kind::Bool,
               .usage = "Show all containers (default shows just running)"},
              {.name = "id", .kind = Kind::Value, .usage = "Filter by container id"},
              {.name = "pod", .shortName = "p", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
          },
      }),
      .run = runStats,
  };
}

}  // namespace crixctl

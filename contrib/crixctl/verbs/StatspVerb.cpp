// `crixctl statsp [ID]`: pods' resource usage as crictl shows it: two
// samples `--seconds` apart for the CPU percentage, then a table (POD POD ID
// CPU % MEM), or one ListPodSandboxStatsResponse as JSON/YAML.
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

bool shown(const runtime::v1::PodSandboxStats& s) {
  if (s.has_linux() && s.has_windows())
    throw crix::Error::internal("pod \"" + truncatedId(s.attributes().id()) +
                                "\" has both linux and windows stats which is not supported");
  // Nothing used means no data.
  return s.linux().cpu().usage_core_nano_seconds().value() != 0 || s.linux().memory().working_set_bytes().value() != 0;
}

std::vector<std::string> row(const runtime::v1::PodSandboxStats& s, const runtime::v1::PodSandboxStats& old) {
  const std::uint64_t cpu = s.linux().cpu().usage_core_nano_seconds().value();
  double percent = 0;
  if (cpu != 0) {
    const std::int64_t span = s.linux().cpu().timestamp() - old.linux().cpu().timestamp();
    if (span == 0) throw crix::Error::unavailable("cpu stat is not updated during sample");
    percent = static_cast<double>(cpu - old.linux().cpu().usage_core_nano_seconds().value()) / span * 100;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", percent);
  return {s.attributes().metadata().name(), truncatedId(s.attributes().id()), text,
          humanSize(static_cast<double>(s.linux().memory().working_set_bytes().value()))};
}

int runStatsp(VerbContext& ctx) {
  if (ctx.args().size() > 1) return ctx.showHelp();
  ctx.client.runtime();
  const std::string id = statsTargetId(ctx);

  runtime::v1::ListPodSandboxStatsRequest request;
  auto& filter = *request.mutable_filter();
  filter.set_id(id.empty() ? id : resolvePodId(ctx.client, id));
  setParsedLabels(*filter.mutable_label_selector(), ctx.options.values("label"));

  showStats<runtime::v1::ListPodSandboxStatsResponse>(
      ctx,
      {.fetch =
           [&ctx, &request] {
             return ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::ListPodSandboxStats, request);
           },
       .header = {"POD", "POD ID", "CPU %", "MEM"},
       .shown = shown,
       .row = row},
      "get pod stats: list pod sandbox stats");
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
      .options = optionsOf({
          statsSamplingOptions("Watch pod statistics"),
          {
              {.name = "id", .kind = Kind::Value, .usage = "Filter by pod id"},
              {.name = "label", .kind = Kind::List, .usage = "Filter by key=value label"},
          },
      }),
      .run = runStatsp,
  };
}

}  // namespace crixctl

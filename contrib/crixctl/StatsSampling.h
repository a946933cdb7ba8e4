// How stats and statsp sample usage as crictl does: with -o json or yaml,
// one sample as the runtime sends it; otherwise two samples --seconds
// apart (CPU % needs both), then a table, redrawn for ever with --watch.
#pragma once

#include <algorithm>
#include <chrono>
#include <functional>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/Verb.h"

namespace crixctl {

// The flags read here: --output, --seconds and --watch.
std::vector<OptionSpec> statsSamplingOptions(const std::string& watchUsage);

// --id, else the one argument (stats and statsp take either); may be empty.
std::string statsTargetId(const VerbContext& ctx);

// Response is a List*StatsResponse; its stats are keyed by attributes().id().
template <class Response>
struct StatsTable {
  using Entry = std::decay_t<decltype(std::declval<const Response&>().stats(0))>;

  std::function<Response()> fetch;  // one sample
  std::vector<std::string> header;
  // Whether an entry of the second sample is shown; may throw.
  std::function<bool(const Entry& now)> shown;
  // Its row, given the same entry in the first sample.
  std::function<std::vector<std::string>(const Entry& now, const Entry& before)> row;
};

namespace detail {

template <class Response>
Response sortedSample(const StatsTable<Response>& table) {
  auto response = table.fetch();
  std::sort(response.mutable_stats()->begin(), response.mutable_stats()->end(),
            [](const auto& a, const auto& b) { return a.attributes().id() < b.attributes().id(); });
  return response;
}

template <class Response>
void showOnce(const VerbContext& ctx, const StatsTable<Response>& table, const std::string& format, bool clearScreen) {
  const auto first = sortedSample(table);
  if (format == "json" || format == "yaml") {
    printProtoAs(first, format);
    return;
  }
  std::map<std::string, typename StatsTable<Response>::Entry> before;
  for (const auto& s : first.stats()) before[s.attributes().id()] = s;
  std::this_thread::sleep_for(std::chrono::seconds(ctx.options.integer("seconds")));
  const auto second = sortedSample(table);

  TableWriter out = TableWriter::crictlTable();
  out.addRow(table.header);
  for (const auto& s : second.stats()) {
    if (!table.shown(s)) continue;
    const auto old = before.find(s.attributes().id());
    if (old == before.end()) continue;  // appeared during the sample
    out.addRow(table.row(s, old->second));
  }
  // Only a watch redraws; a single table stays plain for pipes and scripts.
  if (clearScreen) std::cout << "\033[2J\033[H";
  std::cout << out.render() << std::flush;
}

}  // namespace detail

// Failures are thrown wrapped in `failure`.
template <class Response>
void showStats(const VerbContext& ctx, const StatsTable<Response>& table, const std::string& failure) {
  const std::string format = ctx.options.value("output");
  const bool watch = ctx.options.flag("watch");
  withContext(failure, [&] {
    do {
      detail::showOnce(ctx, table, format, watch);
    } while (watch);
  });
}

}  // namespace crixctl

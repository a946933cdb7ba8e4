#include "contrib/crixctl/StatsSampling.h"

namespace crixctl {

std::vector<OptionSpec> statsSamplingOptions(const std::string& watchUsage) {
  using Kind = OptionSpec::Kind;
  return {
      {.name = "output", .shortName = "o", .kind = Kind::Value, .usage = "Output format, One of: json|yaml|table"},
      {.name = "seconds",
       .shortName = "s",
       .kind = Kind::Value,
       .usage = "Sample duration for CPU usage in seconds",
       .defaultValue = "1",
       .quoteDefault = false},
      {.name = "watch", .shortName = "w", .kind = Kind::Bool, .usage = watchUsage},
  };
}

std::string statsTargetId(const VerbContext& ctx) {
  std::string id = ctx.options.value("id");
  if (id.empty() && !ctx.args().empty()) id = ctx.args().front();
  return id;
}

}  // namespace crixctl

#include "contrib/crixctl/ListingOutput.h"

#include "core/Error.h"

namespace crixctl {

std::vector<OptionSpec> listingOptions(const std::string& verboseUsage, const std::string& quietUsage) {
  using Kind = OptionSpec::Kind;
  return {
      {.name = "verbose", .shortName = "v", .kind = Kind::Bool, .usage = verboseUsage},
      {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = quietUsage},
      {.name = "output",
       .shortName = "o",
       .kind = Kind::Value,
       .usage = "Output format, One of: json|yaml|table",
       .defaultValue = "table"},
      {.name = "no-trunc", .kind = Kind::Bool, .usage = "Show output without truncating the ID"},
  };
}

std::string listFormat(const VerbContext& ctx, const std::string& failure) {
  std::string format = ctx.options.value("output");
  if (format != "json" && format != "yaml" && format != "table")
    throw crix::Error::invalidArgument(failure + ": unsupported output format \"" + format + "\"");
  return format;
}

}  // namespace crixctl

#include "contrib/crixctl/StatusInspection.h"

#include "core/Error.h"

namespace crixctl {

std::vector<OptionSpec> statusOutputOptions() {
  using Kind = OptionSpec::Kind;
  return {
      {.name = "output",
       .shortName = "o",
       .kind = Kind::Value,
       .usage = "Output format, One of: json|yaml|table (go-template is not supported yet)"},
      {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "Do not show verbose information"},
      {.name = "template",
       .kind = Kind::Value,
       .usage = "The template string is only used when output is go-template; The Template format is golang template"},
  };
}

StatusFormat statusFormat(const VerbContext& ctx) {
  const bool verbose = !ctx.options.flag("quiet");
  std::string format = ctx.options.value("output");
  if (format.empty()) format = "json";
  if (format == "go-template") throw crix::Error::unimplemented("crixctl does not support go-template output yet");
  return {.format = format, .verbose = verbose};
}

}  // namespace crixctl


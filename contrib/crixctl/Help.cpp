#include "contrib/crixctl/Help.h"

#include <algorithm>
#include <iostream>

#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/VerbTable.h"

namespace crixctl {
namespace {

// One "   --flag value, -f value<TAB>usage (default: x) [$ENV]" line.
std::string optionLine(const OptionSpec& spec) {
  std::string line = "   " + optionSynopsis(spec) + "\t" + optionUsage(spec);
  if (!spec.hideDefault) {
    if (spec.kind == OptionSpec::Kind::Bool) {
      line += " (default: " + (spec.defaultValue.empty() ? std::string("false") : spec.defaultValue) + ")";
    } else if (!spec.defaultValue.empty()) {
      line += spec.quoteDefault ? " (default: \"" + spec.defaultValue + "\")" : " (default: " + spec.defaultValue + ")";
    }
  }
  if (!spec.envVar.empty()) line += " [$" + spec.envVar + "]";
  return line;
}

std::string joinNames(const Verb& verb) {
  std::string names = verb.name;
  for (const auto& alias : verb.aliases) names += ", " + alias;
  return names;
}

}  // namespace

const OptionSpec& helpOption() {
  static const OptionSpec spec{
      .name = "help", .shortName = "h", .kind = OptionSpec::Kind::Bool, .usage = "show help", .hideDefault = true};
  return spec;
}

int VerbContext::showHelp() const {
  std::cout << verbHelp(verb);
  return 0;
}

std::string appHelp() {
  TableWriter table(1, 2);  // urfave/cli's help layout
  table.addLine("NAME:");
  table.addLine(std::string("   ") + kProgramName + " - client for CRI");
  table.addLine("");
  table.addLine("USAGE:");
  table.addLine(std::string("   ") + kProgramName + " [global options] command [command options] [arguments...]");
  table.addLine("");
  table.addLine("VERSION:");
  table.addLine("   " CRIX_VERSION);
  table.addLine("");
  table.addLine("COMMANDS:");
  for (const auto& verb : verbTable()) table.addLine("   " + joinNames(verb) + "\t" + verb.usage);
  table.addLine("");
  table.addLine("GLOBAL OPTIONS:");
  for (const auto& spec : globalOptionSpecs()) table.addLine(optionLine(spec));
  return table.render();
}

std::string verbHelp(const Verb& verb) {
  TableWriter table(1, 2);
  table.addLine("NAME:");
  table.addLine(std::string("   ") + kProgramName + " " + verb.name + " - " + verb.usage);
  table.addLine("");
  table.addLine("USAGE:");
  std::string usage = std::string("   ") + kProgramName + " " + verb.name + " [command options]";
  if (!verb.argsUsage.empty()) usage += " " + verb.argsUsage;
  table.addLine(usage);
  table.addLine("");
  table.addLine("OPTIONS:");
  // Sorted by name as crictl sorts them; --help last, as urfave/cli adds it.
  std::vector<OptionSpec> options = verb.options;
  std::sort(options.begin(), options.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  for (const auto& spec : options) table.addLine(optionLine(spec));
  table.addLine(optionLine(helpOption()));
  return table.render();
}

}  // namespace crixctl

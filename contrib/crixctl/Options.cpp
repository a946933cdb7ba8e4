#include "contrib/crixctl/Options.h"

#include <charconv>
#include <cstdlib>
#include <utility>

#include "core/Error.h"

namespace crixctl {
namespace {

const OptionSpec* findLong(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto& s : specs) {
    if (s.name == name) return &s;
  }
  for (const auto& s : specs) {
    for (const auto& alias : s.longAliases) {
      if (alias == name) return &s;
    }
  }
  return nullptr;
}

const OptionSpec* findShort(std::span<const OptionSpec> specs, std::string_view name) {
  for (const auto& s : specs) {
    if (!s.shortName.empty() && s.shortName == name) return &s;
  }
  return nullptr;
}

std::optional<bool> parseBool(std::string_view v) {
  // The spellings Go's strconv.ParseBool accepts.
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

crix::Error notDefined(std::string_view dashes, std::string_view name) {
  return crix::Error::invalidArgument("flag provided but not defined: " + std::string(dashes) + std::string(name));
}

}  // namespace

ParsedOptions parseOptions(std::span<const OptionSpec> specs, std::span<const std::string> argv) {
  ParsedOptions parsed;
  parsed.specs_.assign(specs.begin(), specs.end());

  const auto record = [&](const OptionSpec& spec, std::string_view shownName, std::optional<std::string> inlineValue,
                          std::size_t& i) {
    if (spec.kind == OptionSpec::Kind::Bool) {
      std::string v = "true";
      if (inlineValue) {
        const auto b = parseBool(*inlineValue);
        if (!b) {
          throw crix::Error::invalidArgument("invalid boolean value \"" + *inlineValue + "\" for -" +
                                             std::string(shownName) + ": parse error");
        }
        v = *b ? "true" : "false";
      }
      parsed.given_[spec.name].push_back(v);
      return;
    }
    std::string v;
    if (inlineValue) {
      v = *inlineValue;
    } else if (i + 1 < argv.size()) {
      v = argv[++i];
    } else {
      throw crix::Error::invalidArgument("flag needs an argument: -" + std::string(shownName));
    }
    auto& slot = parsed.given_[spec.name];
    if (spec.kind == OptionSpec::Kind::List && spec.splitCommas) {
      std::size_t start = 0;
      for (std::size_t comma; (comma = v.find(',', start)) != std::string::npos; start = comma + 1) {
        slot.push_back(v.substr(start, comma - start));
      }
      slot.push_back(v.substr(start));
    } else {
      slot.push_back(v);
    }
  };

  std::size_t i = 0;
  for (; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // first positional ends the options

    if (arg[1] == '-') {
      std::string_view body = std::string_view(arg).substr(2);
      std::optional<std::string> inlineValue;
      if (const auto eq = body.find('='); eq != std::string_view::npos) {
        inlineValue = std::string(body.substr(eq + 1));
        body = body.substr(0, eq);
      }
      const OptionSpec* spec = findLong(specs, body);
      if (!spec && body.size() == 1) spec = findShort(specs, body);
      if (!spec) throw notDefined("-", body);
      record(*spec, body, inlineValue, i);
      continue;
    }

    std::string_view body = std::string_view(arg).substr(1);
    if (const auto eq = body.find('='); eq != std::string_view::npos) {
      const std::string_view name = body.substr(0, eq);
      const OptionSpec* spec = name.size() == 1 ? findShort(specs, name) : findLong(specs, name);
      if (!spec) throw notDefined("-", name);
      record(*spec, name, std::string(body.substr(eq + 1)), i);
      continue;
    }
    if (body.size() > 1) {
      // Go's flag package takes "-output" as the long flag; urfave/cli then
      // splits bundles like "-aq" into short flags.
      if (const OptionSpec* spec = findLong(specs, body)) {
        record(*spec, body, std::nullopt, i);
        continue;
      }
    }
    for (std::size_t k = 0; k < body.size(); ++k) {
      const std::string_view name = body.substr(k, 1);
      const OptionSpec* spec = findShort(specs, name);
      if (!spec) throw notDefined("-", body.size() == 1 ? name : body);
      if (spec->kind != OptionSpec::Kind::Bool) {
        // A value flag ends the bundle: "-n5" or "-n 5".
        std::optional<std::string> rest;
        if (k + 1 < body.size()) rest = std::string(body.substr(k + 1));
        record(*spec, name, rest, i);
        break;
      }
      record(*spec, name, std::nullopt, i);
    }
  }
  parsed.args_.assign(argv.begin() + static_cast<std::ptrdiff_t>(i), argv.end());
  return parsed;
}

std::vector<OptionSpec> optionsOf(std::initializer_list<std::vector<OptionSpec>> blocks) {
  std::vector<OptionSpec> out;
  for (const auto& block : blocks) out.insert(out.end(), block.begin(), block.end());
  return out;
}

const OptionSpec& ParsedOptions::spec(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return s;
  }
  // Asking for a flag the verb never declared is a bug in crixctl itself.
  throw crix::Error::internal("option --" + std::string(name) + " is not declared");
}

bool ParsedOptions::isSet(std::string_view name) const {
  spec(name);
  return given_.find(name) != given_.end();
}

std::optional<std::string> ParsedOptions::explicitValue(std::string_view name) const {
  spec(name);
  const auto it = given_.find(name);
  if (it == given_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string ParsedOptions::value(std::string_view name) const {
  if (auto v = explicitValue(name)) return *v;
  return spec(name).defaultValue;
}

std::string ParsedOptions::valueOrEnv(std::string_view name) const {
  if (isSet(name)) return value(name);
  const std::string& envVar = spec(name).envVar;
  const char* fromEnv = envVar.empty() ? nullptr : std::getenv(envVar.c_str());
  return fromEnv ? fromEnv : value(name);
}

bool ParsedOptions::flag(std::string_view name) const { return value(name) == "true"; }

std::vector<std::string> ParsedOptions::values(std::string_view name) const {
  spec(name);
  const auto it = given_.find(name);
  if (it == given_.end()) return {};
  return it->second;
}

long long ParsedOptions::integer(std::string_view name) const {
  const std::string v = value(name);
  if (v.empty()) return 0;
  long long out = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec != std::errc() || end != v.data() + v.size()) {
    throw crix::Error::invalidArgument("invalid value \"" + v + "\" for flag -" + std::string(name) +
                                       ": parse error");
  }
  return out;
}

namespace {

// Where the usage's first `quoted` word is, quotes included.
std::optional<std::pair<std::size_t, std::size_t>> quotedWord(const std::string& usage) {
  const auto open = usage.find('`');
  if (open == std::string::npos) return std::nullopt;
  const auto close = usage.find('`', open + 1);
  if (close == std::string::npos) return std::nullopt;
  return std::make_pair(open, close);
}

}  // namespace

std::string optionPlaceholder(const OptionSpec& spec) {
  const auto word = quotedWord(spec.usage);
  if (!word) return "value";
  return spec.usage.substr(word->first + 1, word->second - word->first - 1);
}

std::string optionUsage(const OptionSpec& spec) {
  std::string usage = spec.usage;
  if (const auto word = quotedWord(usage)) {
    usage.erase(word->second, 1);
    usage.erase(word->first, 1);
  }
  return usage;
}

std::string optionSynopsis(const OptionSpec& spec) {
  const std::string value = spec.kind != OptionSpec::Kind::Bool ? " " + optionPlaceholder(spec) : "";
  std::string out = "--" + spec.name + value;
  if (!spec.shortName.empty()) out += ", -" + spec.shortName + value;
  for (const auto& alias : spec.longAliases) out += ", --" + alias + value;
  // A repeatable flag shows its whole spelling twice, as urfave/cli does.
  if (spec.kind == OptionSpec::Kind::List) out += " [ " + out + " ]";
  return out;
}

}  // namespace crixctl

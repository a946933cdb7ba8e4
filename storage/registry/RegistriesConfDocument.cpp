#include "storage/registry/RegistriesConfDocument.h"

#include <algorithm>
#include <toml++/toml.h>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/registry/RegistryPrefix.h"

namespace crix::registry {

namespace {

// Builds "origin:line: message" errors for one file.
class Reporter {
 public:
  explicit Reporter(const std::string& origin) : origin_(origin) {}

  Error error(const toml::node& at, const std::string& message) const {
    const auto line = at.source().begin.line;
    return Error::invalidArgument(origin_ + (line > 0 ? ":" + std::to_string(line) : "") + ": " + message);
  }
  Error error(const std::string& message) const { return Error::invalidArgument(origin_ + ": " + message); }
  void warn(const toml::node& at, const std::string& message) const {
    log::warn(origin_, ":", at.source().begin.line, ": ", message);
  }

 private:
  const std::string& origin_;
};

std::string stringValue(const toml::node& node, const std::string& key, const Reporter& report) {
  const auto* s = node.as_string();
  if (!s) throw report.error(node, key + " must be a string");
  return s->get();
}

bool boolValue(const toml::node& node, const std::string& key, const Reporter& report) {
  const auto* b = node.as_boolean();
  if (!b) throw report.error(node, key + " must be true or false");
  return b->get();
}

std::vector<std::string> stringArray(const toml::node& node, const std::string& key, const Reporter& report) {
  const auto* array = node.as_array();
  if (!array) throw report.error(node, key + " must be an array of strings");
  std::vector<std::string> out;
  for (const auto& item : *array) out.push_back(stringValue(item, key + " entries", report));
  return out;
}

// containers/image's rules: no URL scheme, no trailing slash.
std::string cleanLocation(std::string value, const toml::node& at, const std::string& key, const Reporter& report) {
  if (value.starts_with("http://") || value.starts_with("https://")) {
    throw report.error(at, key + " \"" + value + "\" must not contain a URL scheme");
  }
  while (value.ends_with('/')) value.pop_back();
  if (value.find_first_of(" \t\r\n") != std::string::npos) throw report.error(at, key + " must not contain whitespace");
  return value;
}

void checkPrefix(const std::string& prefix, const toml::node& at, const Reporter& report) {
  if (isWildcardPrefix(prefix)) {
    if (prefix.find_first_of("/@:*", 2) != std::string::npos || prefix.size() < 3) {
      throw report.error(at, "wildcard prefix \"" + prefix + "\" must have the form *.example.com");
    }
  } else if (prefix.find('*') != std::string::npos) {
    throw report.error(at, "prefix \"" + prefix + "\": '*' is only allowed as a leading \"*.\"");
  }
}

PullFromMirror parsePullFromMirror(const toml::node& node, const Reporter& report) {
  const std::string value = stringValue(node, "pull-from-mirror", report);
  if (value.empty() || value == "all") return PullFromMirror::All;
  if (value == "digest-only") return PullFromMirror::DigestOnly;
  if (value == "tag-only") return PullFromMirror::TagOnly;
  throw report.error(node, "pull-from-mirror must be \"all\", \"digest-only\" or \"tag-only\", not \"" + value + "\"");
}

RegistryMirror parseMirror(const toml::node& node, bool mirrorByDigestOnly, const std::string& prefix,
                           const Reporter& report) {
  const auto* table = node.as_table();
  if (!table) throw report.error(node, "[[registry.mirror]] entries must be tables");
  RegistryMirror mirror;
  bool pullFromMirrorSet = false;
  for (const auto& [key, value] : *table) {
    const std::string k(key.str());
    if (k == "location") {
      mirror.location = cleanLocation(stringValue(value, "mirror location", report), value, "mirror location", report);
    } else if (k == "insecure") {
      mirror.insecure = boolValue(value, "mirror insecure", report);
    } else if (k == "pull-from-mirror") {
      mirror.pullFromMirror = parsePullFromMirror(value, report);
      pullFromMirrorSet = true;
    } else {
      report.warn(value, "ignoring unknown mirror setting \"" + k + "\"");
    }
  }
  if (mirror.location.empty()) throw report.error(node, "a mirror of \"" + prefix + "\" has no location");
  if (mirrorByDigestOnly && pullFromMirrorSet) {
    throw report.error(node, "registry \"" + prefix + "\" sets mirror-by-digest-only, so its mirror \"" +
                                 mirror.location + "\" cannot also set pull-from-mirror");
  }
  return mirror;
}

RegistryEntry parseRegistry(const toml::node& node, const Reporter& report) {
  const auto* table = node.as_table();
  if (!table) throw report.error(node, "[[registry]] entries must be tables");
  RegistryEntry entry;
  const toml::node* mirrors = nullptr;
  for (const auto& [key, value] : *table) {
    const std::string k(key.str());
    if (k == "prefix") {
      entry.prefix = cleanLocation(stringValue(value, "prefix", report), value, "prefix", report);
      checkPrefix(entry.prefix, value, report);
    } else if (k == "location") {
      entry.location = cleanLocation(stringValue(value, "location", report), value, "location", report);
    } else if (k == "insecure") {
      entry.insecure = boolValue(value, "insecure", report);
    } else if (k == "blocked") {
      entry.blocked = boolValue(value, "blocked", report);
    } else if (k == "mirror-by-digest-only") {
      entry.mirrorByDigestOnly = boolValue(value, "mirror-by-digest-only", report);
    } else if (k == "mirror") {
      mirrors = &value;
    } else {
      report.warn(value, "ignoring unknown [[registry]] setting \"" + k + "\"");
    }
  }
  if (entry.prefix.empty()) {
    if (entry.location.empty()) throw report.error(node, "a [[registry]] table needs a prefix or a location");
    entry.prefix = entry.location;
  }
  if (entry.location.empty() && !isWildcardPrefix(entry.prefix)) entry.location = entry.prefix;
  if (mirrors) {
    const auto* array = mirrors->as_array();
    if (!array) throw report.error(*mirrors, "mirror must be an array of tables ([[registry.mirror]])");
    for (const auto& m : *array) entry.mirrors.push_back(parseMirror(m, entry.mirrorByDigestOnly, entry.prefix, report));
  }
  return entry;
}

ShortNameMode parseShortNameMode(const toml::node& node, const Reporter& report) {
  const std::string value = stringValue(node, "short-name-mode", report);
  if (value.empty() || value == "permissive") return ShortNameMode::Permissive;
  if (value == "enforcing") return ShortNameMode::Enforcing;
  if (value == "disabled") return ShortNameMode::Disabled;
  throw report.error(node, "short-name-mode must be \"enforcing\", \"permissive\" or \"disabled\", not \"" + value + "\"");
}

// Version 1: [registries.search], [registries.insecure], [registries.block],
// each with a `registries` list of hosts.
void parseVersion1(const toml::table& registries, RegistriesConfDocument& doc, const Reporter& report) {
  doc.version1 = true;
  auto hosts = [&](const char* name) -> std::vector<std::string> {
    const auto* section = registries.get(name);
    if (!section) return {};
    const auto* table = section->as_table();
    if (!table) throw report.error(*section, std::string("[registries.") + name + "] must be a table");
    const auto* list = table->get("registries");
    return list ? stringArray(*list, std::string("registries.") + name + ".registries", report) : std::vector<std::string>{};
  };
  for (const auto& [key, value] : registries) {
    const std::string k(key.str());
    if (k != "search" && k != "insecure" && k != "block") report.warn(value, "ignoring unknown table [registries." + k + "]");
  }
  if (registries.get("search")) doc.searchRegistries = hosts("search");
  auto entryFor = [&](const std::string& host) -> RegistryEntry& {
    auto it = std::find_if(doc.registries.begin(), doc.registries.end(),
                           [&](const RegistryEntry& e) { return e.prefix == host; });
    if (it != doc.registries.end()) return *it;
    RegistryEntry& entry = doc.registries.emplace_back();
    entry.prefix = host;
    entry.location = host;
    return entry;
  };
  for (const std::string& host : hosts("insecure")) entryFor(host).insecure = true;
  for (const std::string& host : hosts("block")) entryFor(host).blocked = true;
}

}  // namespace

RegistriesConfDocument RegistriesConfDocument::parse(std::string_view text, const std::string& origin) {
  const Reporter report(origin);
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw Error::invalidArgument(origin + ":" + std::to_string(e.source().begin.line) + ": " +
                                 std::string(e.description()));
  }
  RegistriesConfDocument doc;
  bool hasVersion2Keys = false;
  for (const auto& [key, value] : root) {
    const std::string k(key.str());
    if (k == "registries") continue;
    hasVersion2Keys = true;
    if (k == "unqualified-search-registries") {
      doc.searchRegistries = stringArray(value, k, report);
      for (const std::string& host : *doc.searchRegistries) {
        if (host.empty() || host.find('/') != std::string::npos) {
          throw report.error(value, "unqualified-search-registries entry \"" + host + "\" must be a host[:port]");
        }
      }
    } else if (k == "short-name-mode") {
      doc.shortNameMode = parseShortNameMode(value, report);
    } else if (k == "registry") {
      const auto* array = value.as_array();
      if (!array) throw report.error(value, "registry must be an array of tables ([[registry]])");
      for (const auto& item : *array) {
        RegistryEntry entry = parseRegistry(item, report);
        for (const RegistryEntry& earlier : doc.registries) {
          if (earlier.prefix == entry.prefix) {
            throw report.error(item, "prefix \"" + entry.prefix + "\" appears in more than one [[registry]] table");
          }
        }
        doc.registries.push_back(std::move(entry));
      }
    } else if (k == "aliases") {
      const auto* table = value.as_table();
      if (!table) throw report.error(value, "[aliases] must be a table");
      for (const auto& [name, target] : *table) doc.aliases[std::string(name.str())] = stringValue(target, "alias", report);
    } else if (k == "credential-helpers") {
      log::debug(origin, ": credential-helpers are not supported; using auth files only");
    } else {
      report.warn(value, "ignoring unknown setting \"" + k + "\"");
    }
  }
  if (const auto* v1 = root.get("registries")) {
    if (hasVersion2Keys) {
      throw report.error(*v1, "mixes version 1 tables ([registries.*]) with version 2 settings; use one format");
    }
    const auto* table = v1->as_table();
    if (!table) throw report.error(*v1, "registries must be a table ([registries.search] etc.)");
    parseVersion1(*table, doc, report);
  }
  return doc;
}

void RegistriesConfDocument::applyTo(RegistriesConf& conf) const {
  if (searchRegistries) conf.searchRegistries_ = *searchRegistries;
  if (shortNameMode) conf.shortNameMode_ = *shortNameMode;
  for (const RegistryEntry& entry : registries) {
    auto it = std::find_if(conf.registries_.begin(), conf.registries_.end(),
                           [&](const RegistryEntry& e) { return e.prefix == entry.prefix; });
    if (it != conf.registries_.end()) {
      *it = entry;
    } else {
      conf.registries_.push_back(entry);
    }
  }
  for (const auto& [name, target] : aliases) {
    if (target.empty()) {
      conf.aliases_.erase(name);
    } else {
      conf.aliases_[name] = target;
    }
  }
}

}  // namespace crix::registry

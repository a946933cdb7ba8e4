#include "storage/registry/RegistriesConf.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/registry/RegistriesConfDocument.h"
#include "storage/registry/RegistryPrefix.h"

namespace crix::registry {

namespace fs = std::filesystem;

namespace {

std::optional<std::string> readFileIfPresent(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!fs::exists(path, ec)) return std::nullopt;
    throw Error::internal("cannot read " + path.string());
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The reference text with tag and digest, as prefixes are matched against.
std::string matchText(const ImageReference& ref) { return ref.str(); }

}  // namespace

RegistriesConf RegistriesConf::parse(std::string_view toml, const std::string& origin) {
  RegistriesConf conf;
  RegistriesConfDocument::parse(toml, origin).applyTo(conf);
  return conf;
}

void RegistriesConf::applyDropIn(std::string_view toml, const std::string& origin) {
  const RegistriesConfDocument doc = RegistriesConfDocument::parse(toml, origin);
  if (doc.version1) {
    throw Error::invalidArgument(origin + ": drop-in files must use the version 2 format, not [registries.*] tables");
  }
  doc.applyTo(*this);
}

RegistriesConf RegistriesConf::load(const fs::path& file) {
  return load(file, dropInDirOf(file));
}

fs::path RegistriesConf::dropInDirOf(const fs::path& file) { return fs::path(file.string() + ".d"); }

RegistriesConf RegistriesConf::load(const fs::path& file, const fs::path& dropInDir) {
  RegistriesConf conf;
  if (auto text = readFileIfPresent(file)) {
    RegistriesConfDocument::parse(*text, file.string()).applyTo(conf);
  } else {
    log::debug("no ", file.string(), "; using default registry settings");
  }
  std::error_code ec;
  if (!fs::is_directory(dropInDir, ec)) return conf;
  std::vector<fs::path> dropIns;
  for (const auto& entry : fs::directory_iterator(dropInDir, ec)) {
    if (entry.path().extension() == ".conf" && entry.is_regular_file(ec)) dropIns.push_back(entry.path());
  }
  if (ec) throw Error::internal("cannot list " + dropInDir.string() + ": " + ec.message());
  std::sort(dropIns.begin(), dropIns.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  for (const fs::path& path : dropIns) {
    if (auto text = readFileIfPresent(path)) conf.applyDropIn(*text, path.string());
  }
  return conf;
}

const RegistryEntry* RegistriesConf::findRegistry(const ImageReference& reference) const {
  const std::string text = matchText(reference);
  const RegistryEntry* best = nullptr;
  std::size_t bestLength = 0;
  for (const RegistryEntry& entry : registries_) {
    const auto length = matchRegistryPrefix(text, entry.prefix);
    if (!length) continue;
    // Equal lengths happen when wildcards match a whole host: a named host is
    // more specific than a wildcard, and a longer domain than a shorter one.
    bool better = !best || *length > bestLength;
    if (best && *length == bestLength && isWildcardPrefix(best->prefix)) {
      better = !isWildcardPrefix(entry.prefix) || entry.prefix.size() > best->prefix.size();
    }
    if (better) {
      best = &entry;
      bestLength = *length;
    }
  }
  return best;
}

std::vector<PullSource> RegistriesConf::pullSources(const ImageReference& reference) const {
  const RegistryEntry* entry = findRegistry(reference);
  if (!entry) return {PullSource{.reference = reference, .insecure = false, .mirror = false}};
  if (entry->blocked) {
    throw Error::permissionDenied("pulling " + reference.str() + " is blocked by registries.conf (registry prefix \"" +
                                  entry->prefix + "\")");
  }
  const std::string text = matchText(reference);
  const std::size_t matched = *matchRegistryPrefix(text, entry->prefix);
  auto relocate = [&](const std::string& location) {
    if (location.empty()) return reference;
    const std::string rewritten = location + text.substr(matched);
    try {
      return ImageReference::parseQualified(rewritten);
    } catch (const Error& e) {
      throw Error::invalidArgument("registries.conf maps " + reference.str() + " to \"" + rewritten +
                                   "\", which is not a valid reference: " + e.what());
    }
  };

  const bool byDigest = reference.digest().has_value();
  std::vector<PullSource> sources;
  for (const RegistryMirror& mirror : entry->mirrors) {
    bool usable = true;
    if (entry->mirrorByDigestOnly) {
      usable = byDigest;
    } else if (mirror.pullFromMirror == PullFromMirror::DigestOnly) {
      usable = byDigest;
    } else if (mirror.pullFromMirror == PullFromMirror::TagOnly) {
      usable = !byDigest;
    }
    if (usable) sources.push_back(PullSource{.reference = relocate(mirror.location), .insecure = mirror.insecure, .mirror = true});
  }
  sources.push_back(PullSource{.reference = relocate(entry->location), .insecure = entry->insecure, .mirror = false});
  return sources;
}

std::vector<ImageReference> RegistriesConf::resolveShortName(const ImageReference& reference) const {
  if (!reference.isShortName()) return {reference};

  const std::string& written = reference.pathAsWritten();
  if (const auto alias = aliases_.find(written); alias != aliases_.end()) {
    std::string text = alias->second;
    if (!reference.tag().empty()) text += ":" + reference.tag();
    if (reference.digest()) text += "@" + reference.digest()->str();
    try {
      return {ImageReference::parseQualified(text)};
    } catch (const Error& e) {
      throw Error::invalidArgument("short-name alias \"" + written + "\" = \"" + alias->second +
                                   "\" is not a valid image reference: " + e.what());
    }
  }

  if (searchRegistries_.empty()) return {reference};
  if (shortNameMode_ == ShortNameMode::Enforcing && searchRegistries_.size() > 1) {
    throw Error::failedPrecondition("short name \"" + written +
                                    "\" is ambiguous: short-name-mode is \"enforcing\" and several "
                                    "unqualified-search-registries are configured; use a fully-qualified image name");
  }
  std::vector<ImageReference> candidates;
  for (const std::string& registry : searchRegistries_) {
    ImageReference candidate = reference.onRegistry(registry);
    if (std::find(candidates.begin(), candidates.end(), candidate) == candidates.end()) {
      candidates.push_back(std::move(candidate));
    }
  }
  return candidates;
}

}  // namespace crix::registry

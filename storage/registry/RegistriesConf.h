// containers-registries.conf(5): which registries short names are searched
// in, and for a fully-qualified name, where to actually pull it from (mirrors,
// relocated namespaces), whether that is allowed (blocked) and whether TLS may
// be skipped (insecure). Version 2 format, with the deprecated version 1
// tables converted, and drop-ins from registries.conf.d(5).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "storage/registry/ImageReference.h"

namespace crix::registry {

enum class PullFromMirror { All, DigestOnly, TagOnly };
enum class ShortNameMode { Permissive, Enforcing, Disabled };

struct RegistryMirror {
  std::string location;
  bool insecure = false;
  PullFromMirror pullFromMirror = PullFromMirror::All;
};

struct RegistryEntry {
  std::string prefix;    // "example.com/foo", "*.example.com"
  std::string location;  // empty only for wildcard prefixes: no rewrite
  bool insecure = false;
  bool blocked = false;
  bool mirrorByDigestOnly = false;
  std::vector<RegistryMirror> mirrors;
};

// One place to try pulling an image from.
struct PullSource {
  ImageReference reference;  // physical location: host, repository, tag/digest
  bool insecure = false;     // TLS verification may be skipped, plain HTTP allowed
  bool mirror = false;
};

class RegistriesConf {
 public:
  RegistriesConf() = default;

  // Reads `file` (absent means empty) then `dropInDir`/*.conf in lexical
  // order, later settings overriding earlier ones.
  static RegistriesConf load(const std::filesystem::path& file, const std::filesystem::path& dropInDir);
  // Same with the drop-in directory next to the file: registries.conf.d.
  static RegistriesConf load(const std::filesystem::path& file);
  // That directory: `file` with ".d" appended.
  static std::filesystem::path dropInDirOf(const std::filesystem::path& file);
  // A single document; `origin` names it in error messages.
  static RegistriesConf parse(std::string_view toml, const std::string& origin = "registries.conf");

  // Applies `toml` over the current settings the way a drop-in file does:
  // set keys replace, [[registry]] tables with the same prefix replace.
  void applyDropIn(std::string_view toml, const std::string& origin);

  const std::vector<std::string>& unqualifiedSearchRegistries() const { return searchRegistries_; }
  ShortNameMode shortNameMode() const { return shortNameMode_; }
  const std::vector<RegistryEntry>& registries() const { return registries_; }
  const std::map<std::string, std::string>& aliases() const { return aliases_; }

  // The [[registry]] table with the longest matching prefix, or nullptr.
  const RegistryEntry* findRegistry(const ImageReference& reference) const;

  // Where to pull a fully-qualified reference from, in order: usable mirrors,
  // then the primary location. Throws PermissionDenied when the matching
  // registry is blocked: the administrator forbade it, which is an
  // authorization decision rather than a malformed request.
  std::vector<PullSource> pullSources(const ImageReference& reference) const;

  // Fully-qualified candidates for `reference`, in order. A qualified name is
  // its own only candidate; a short name resolves through [aliases], then
  // unqualified-search-registries. With no search registries configured,
  // docker.io is used, as Kubernetes users expect. In enforcing mode more than
  // one search registry is an error (FailedPrecondition): a runtime has no
  // terminal to ask which one was meant.
  std::vector<ImageReference> resolveShortName(const ImageReference& reference) const;

 private:
  friend struct RegistriesConfDocument;
  std::vector<std::string> searchRegistries_;
  ShortNameMode shortNameMode_ = ShortNameMode::Permissive;
  std::vector<RegistryEntry> registries_;
  std::map<std::string, std::string> aliases_;
};

}  // namespace crix::registry

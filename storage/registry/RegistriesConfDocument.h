// One registries.conf file as written, before it is merged with the others:
// keeps track of which settings the file actually sets, since a drop-in
// overrides only those.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/registry/RegistriesConf.h"

namespace crix::registry {

struct RegistriesConfDocument {
  std::optional<std::vector<std::string>> searchRegistries;
  std::optional<ShortNameMode> shortNameMode;
  std::vector<RegistryEntry> registries;
  std::map<std::string, std::string> aliases;  // an empty value removes the alias
  bool version1 = false;

  // Throws InvalidArgument with `origin` and the line of the offending key.
  static RegistriesConfDocument parse(std::string_view toml, const std::string& origin);

  void applyTo(RegistriesConf& conf) const;
};

}  // namespace crix::registry

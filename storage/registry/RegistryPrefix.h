// How a registries.conf `prefix` matches an image reference: the reference
// must start with the prefix and continue at a separator, or, for a
// "*.example.com" prefix, have a host in that domain.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace crix::registry {

bool isWildcardPrefix(std::string_view prefix);

// How many characters of `reference` (canonical "host/path:tag@digest" text)
// the prefix covers; nothing when it does not match. For a wildcard this is
// the whole host[:port].
std::optional<std::size_t> matchRegistryPrefix(std::string_view reference, std::string_view prefix);

}  // namespace crix::registry

#include "storage/registry/RegistryPrefix.h"

namespace crix::registry {

bool isWildcardPrefix(std::string_view prefix) { return prefix.starts_with("*."); }

std::optional<std::size_t> matchRegistryPrefix(std::string_view reference, std::string_view prefix) {
  if (prefix.empty()) return std::nullopt;
  if (isWildcardPrefix(prefix)) {
    const std::string_view host = reference.substr(0, reference.find('/'));
    std::string_view hostname = host;
    if (!hostname.starts_with('[')) hostname = hostname.substr(0, hostname.find(':'));
    const std::string_view domain = prefix.substr(1);  // ".example.com"
    // "*.example.com" covers any depth of subdomain but not example.com itself.
    if (hostname.size() > domain.size() && hostname.ends_with(domain)) return host.size();
    return std::nullopt;
  }
  if (!reference.starts_with(prefix)) return std::nullopt;
  if (reference.size() == prefix.size()) return prefix.size();
  const char next = reference[prefix.size()];
  if (next == '/' || next == '@') return prefix.size();
  // After a bare host a ':' starts a port, i.e. a different registry; after a
  // repository path it starts the tag.
  if (next == ':' && prefix.find('/') != std::string_view::npos) return prefix.size();
  return std::nullopt;
}

}  // namespace crix::registry

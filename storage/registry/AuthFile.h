// containers-auth.json(5) (and the "auths" part of docker's config.json):
// credentials keyed by registry host or by host/namespace/repository.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "storage/registry/AuthConfig.h"

namespace crix::registry {

class AuthFile {
 public:
  AuthFile() = default;
  // A missing file has no credentials; a malformed one is InvalidArgument.
  static AuthFile load(const std::filesystem::path& path);
  static AuthFile parse(std::string_view json, const std::string& origin);

  // Most specific key first: host/ns/repo, host/ns, host. `registry` is the
  // registry name as in the image reference ("docker.io").
  std::optional<AuthConfig> lookup(std::string_view registry, std::string_view repository) const;

  bool empty() const { return entries_.empty(); }

 private:
  std::map<std::string, AuthConfig, std::less<>> entries_;
};

}  // namespace crix::registry

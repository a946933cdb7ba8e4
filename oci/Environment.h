// The container's environment: an ordered list of KEY=value where a later
// setting of a key replaces the earlier value in place.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cri/api/Cri.h"
#include "storage/registry/ImageConfig.h"

namespace crix::oci {

// What a container gets when neither the image nor the request sets PATH.
inline constexpr std::string_view kDefaultPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

class Environment {
 public:
  void set(const std::string& key, const std::string& value);
  // "KEY=value"; entries without '=' or with an empty key are skipped, as
  // image configs in the wild carry such junk and CRI-O ignores it too.
  void setEntry(std::string_view entry);
  bool has(std::string_view key) const;
  std::vector<std::string> entries() const;

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
};

// In CRI-O's order, each step overriding the ones before: HOSTNAME (the
// pod's), TERM=xterm for a tty, crio.conf default_env, the image's Env, then
// the request's envs. PATH falls back to kDefaultPath. Throws InvalidArgument
// for a request env whose key is empty or holds '=' or NUL.
std::vector<std::string> containerEnvironment(const std::vector<std::string>& defaultEnv,
                                              const registry::ImageRuntimeConfig& image,
                                              const runtime::v1::ContainerConfig& config,
                                              const std::string& hostname);

}  // namespace crix::oci

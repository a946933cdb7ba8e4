#include "oci/Environment.h"

#include <algorithm>

#include "core/Error.h"

namespace crix::oci {

void Environment::set(const std::string& key, const std::string& value) {
  const auto it =
      std::find_if(vars_.begin(), vars_.end(), [&](const auto& kv) { return kv.first == key; });
  if (it != vars_.end()) {
    it->second = value;
  } else {
    vars_.emplace_back(key, value);
  }
}

void Environment::setEntry(std::string_view entry) {
  const auto eq = entry.find('=');
  if (eq == std::string_view::npos || eq == 0) return;
  set(std::string(entry.substr(0, eq)), std::string(entry.substr(eq + 1)));
}

bool Environment::has(std::string_view key) const {
  return std::any_of(vars_.begin(), vars_.end(), [&](const auto& kv) { return kv.first == key; });
}

std::vector<std::string> Environment::entries() const {
  std::vector<std::string> out;
  out.reserve(vars_.size());
  for (const auto& [k, v] : vars_) out.push_back(k + "=" + v);
  return out;
}

std::vector<std::string> containerEnvironment(const std::vector<std::string>& defaultEnv,
                                              const registry::ImageRuntimeConfig& image,
                                              const runtime::v1::ContainerConfig& config,
                                              const std::string& hostname) {
  Environment env;
  if (!hostname.empty()) env.set("HOSTNAME", hostname);
  if (config.tty()) env.set("TERM", "xterm");
  for (const auto& e : defaultEnv) env.setEntry(e);
  for (const auto& e : image.env) env.setEntry(e);
  for (const auto& kv : config.envs()) {
    const auto& key = kv.key();
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos) {
      throw Error::invalidArgument("invalid environment variable name \"" + key +
                                   "\": it must be non-empty and hold no '=' or NUL");
    }
    env.set(key, kv.value());
  }
  if (!env.has("PATH")) {
    Environment withPath;
    withPath.set("PATH", std::string(kDefaultPath));
    for (const auto& e : env.entries()) withPath.setEntry(e);
    return withPath.entries();
  }
  return env.entries();
}

}  // namespace crix::oci

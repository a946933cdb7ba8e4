#include "storage/registry/AuthFile.h"

#include <fstream>
#include <sstream>
#include <system_error>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/registry/JsonFields.h"

namespace crix::registry {

namespace {

constexpr std::size_t kMaxAuthFileBytes = 4 * 1024 * 1024;

// Docker writes keys like "https://index.docker.io/v1/"; such a key names a
// whole registry, so everything after the host is dropped.
std::string normalizeKey(std::string key) {
  bool hadScheme = false;
  for (std::string_view scheme : {"https://", "http://"}) {
    if (key.starts_with(scheme)) {
      key = key.substr(scheme.size());
      hadScheme = true;
    }
  }
  if (hadScheme) key = key.substr(0, key.find('/'));
  while (key.ends_with('/')) key.pop_back();
  if (key == "index.docker.io" || key == "registry-1.docker.io") key = "docker.io";
  for (std::string_view legacy : {"index.docker.io/", "registry-1.docker.io/"}) {
    if (key.starts_with(legacy)) key = "docker.io/" + key.substr(legacy.size());
  }
  return key;
}

}  // namespace

AuthFile AuthFile::load(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return {};
    throw Error::internal("cannot read auth file " + path.string());
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path.string());
}

AuthFile AuthFile::parse(std::string_view json, const std::string& origin) {
  const std::string what = "auth file " + origin;
  const nlohmann::json doc = jsonfields::parseObject(json, kMaxAuthFileBytes, what);
  AuthFile file;
  const auto* auths = jsonfields::find(doc, "auths");
  if (!auths) return file;
  if (!auths->is_object()) throw Error::invalidArgument(what + ": \"auths\" must be an object");
  for (const auto& [key, value] : auths->items()) {
    const std::string entryWhat = what + " entry \"" + key + "\"";
    if (!value.is_object()) throw Error::invalidArgument(entryWhat + " must be an object");
    AuthConfig config;
    config.auth = jsonfields::optionalString(value, "auth", entryWhat);
    config.identityToken = jsonfields::optionalString(value, "identitytoken", entryWhat);
    // An empty entry stands for a credential helper, which is not supported.
    if (config.empty()) {
      log::debug(entryWhat, " has no inline credentials; skipping");
      continue;
    }
    try {
      config = resolveAuthConfig(std::move(config));
    } catch (const Error& e) {
      throw Error::invalidArgument(entryWhat + ": " + e.what());
    }
    file.entries_[normalizeKey(key)] = std::move(config);
  }
  return file;
}

std::optional<AuthConfig> AuthFile::lookup(std::string_view registry, std::string_view repository) const {
  std::string key = std::string(registry);
  if (!repository.empty()) key += "/" + std::string(repository);
  for (;;) {
    if (const auto it = entries_.find(key); it != entries_.end()) return it->second;
    const auto slash = key.rfind('/');
    if (slash == std::string::npos) return std::nullopt;
    key.resize(slash);
  }
}

}  // namespace crix::registry

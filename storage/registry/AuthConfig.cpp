#include "storage/registry/AuthConfig.h"

#include "core/Error.h"
#include "core/Base64.h"

namespace crix::registry {

AuthConfig resolveAuthConfig(AuthConfig config) {
  if (config.auth.empty() || !config.username.empty()) return config;
  const auto decoded = base64Decode(config.auth);
  if (!decoded) throw Error::invalidArgument("credentials: \"auth\" is not valid base64");
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) throw Error::invalidArgument("credentials: \"auth\" must encode \"username:password\"");
  config.username = decoded->substr(0, colon);
  config.password = decoded->substr(colon + 1);
  return config;
}

}  // namespace crix::registry

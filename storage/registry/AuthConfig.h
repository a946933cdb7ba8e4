// Registry credentials, shaped like CRI's AuthConfig so the image service can
// pass a PullImageRequest's auth straight through.
#pragma once

#include <string>

namespace crix::registry {

struct AuthConfig {
  std::string username = {};
  std::string password = {};
  // base64("username:password"), as in auth files and CRI.
  std::string auth = {};
  // OAuth2 refresh token exchanged at the token service (distribution's
  // "identity token").
  std::string identityToken = {};
  // A bearer token sent to the registry as is.
  std::string registryToken = {};

  bool empty() const {
    return username.empty() && password.empty() && auth.empty() && identityToken.empty() && registryToken.empty();
  }
};

// Fills username/password from `auth` when they are not set. Throws
// InvalidArgument when `auth` is not base64 of "user:password".
AuthConfig resolveAuthConfig(AuthConfig config);

}  // namespace crix::registry

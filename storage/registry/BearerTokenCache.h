// Bearer tokens from a registry's token service (distribution token auth):
// parsing the token response and remembering tokens until shortly before
// they expire, keyed by registry, scope and the identity that asked.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace crix::registry {

struct BearerToken {
  std::string token;
  std::chrono::steady_clock::time_point expiresAt;
};

// Accepts "token" or the OAuth2 "access_token"; expires_in defaults to, and is
// at least, 60 seconds as the token spec says. Throws InvalidArgument.
BearerToken parseTokenResponse(std::string_view body, std::chrono::steady_clock::time_point now);

class BearerTokenCache {
 public:
  std::optional<std::string> find(const std::string& key, std::chrono::steady_clock::time_point now) const;
  void store(const std::string& key, BearerToken token);
  void forget(const std::string& key);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, BearerToken> tokens_;
};

}  // namespace crix::registry

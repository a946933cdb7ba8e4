#include "storage/registry/BearerTokenCache.h"

#include <algorithm>

#include "core/Error.h"
#include "storage/registry/JsonFields.h"

namespace crix::registry {

namespace {

constexpr std::size_t kMaxTokenResponseBytes = 1024 * 1024;
constexpr std::chrono::seconds kMinimumLifetime{60};
// Tokens are dropped this long before they expire so a request never races
// the expiry.
constexpr std::chrono::seconds kExpiryMargin{10};

}  // namespace

BearerToken parseTokenResponse(std::string_view body, std::chrono::steady_clock::time_point now) {
  const std::string what = "token service response";
  const nlohmann::json doc = jsonfields::parseObject(body, kMaxTokenResponseBytes, what);
  std::string token = jsonfields::optionalString(doc, "token", what);
  if (token.empty()) token = jsonfields::optionalString(doc, "access_token", what);
  if (token.empty()) throw Error::invalidArgument(what + " contains no token");
  std::chrono::seconds lifetime = kMinimumLifetime;
  if (const auto* expires = jsonfields::find(doc, "expires_in")) {
    if (!expires->is_number_integer()) throw Error::invalidArgument(what + ": expires_in must be an integer");
    lifetime = std::max(kMinimumLifetime, std::chrono::seconds(expires->get<std::int64_t>()));
  }
  return BearerToken{.token = std::move(token), .expiresAt = now + lifetime - kExpiryMargin};
}

std::optional<std::string> BearerTokenCache::find(const std::string& key, std::chrono::steady_clock::time_point now) const {
  std::lock_guard lock(mutex_);
  const auto it = tokens_.find(key);
  if (it == tokens_.end() || it->second.expiresAt <= now) return std::nullopt;
  return it->second.token;
}

void BearerTokenCache::store(const std::string& key, BearerToken token) {
  std::lock_guard lock(mutex_);
  tokens_[key] = std::move(token);
}

void BearerTokenCache::forget(const std::string& key) {
  std::lock_guard lock(mutex_);
  tokens_.erase(key);
}

}  // namespace crix::registry

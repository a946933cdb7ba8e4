#include "cri/streaming/RequestCache.h"

#include <openssl/rand.h>

#include <array>

#include "core/Error.h"

namespace crix::streaming {

std::string randomToken() {
  std::array<unsigned char, 16> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
    throw Error::internal("streaming: the random generator failed to make a token");
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string token;
  uint32_t bits = 0;
  int held = 0;
  for (unsigned char b : bytes) {
    bits = (bits << 8) | b;
    held += 8;
    while (held >= 6) {
      held -= 6;
      token += kAlphabet[(bits >> held) & 0x3f];
    }
  }
  if (held > 0) token += kAlphabet[(bits << (6 - held)) & 0x3f];
  return token;
}

RequestCache::RequestCache(RequestCacheOptions options, std::function<Clock::time_point()> now)
    : options_(options), now_(std::move(now)) {}

void RequestCache::dropExpired(Clock::time_point now) {
  std::erase_if(entries_, [&](const auto& e) { return e.second.expires <= now; });
}

std::string RequestCache::insert(StreamingRequest request) {
  std::string token = randomToken();
  std::lock_guard lock(mutex_);
  const auto now = now_();
  dropExpired(now);
  if (entries_.size() >= options_.maxInFlight)
    throw Error(StatusCode::ResourceExhausted,
                "streaming: too many requests in flight (" + std::to_string(options_.maxInFlight) + ")");
  // 128 random bits do not collide; a collision would mean a broken RNG.
  if (!entries_.emplace(token, Entry{std::move(request), now + options_.ttl}).second)
    throw Error::internal("streaming: token collision");
  return token;
}

std::optional<StreamingRequest> RequestCache::consume(const std::string& token) {
  std::lock_guard lock(mutex_);
  auto it = entries_.find(token);
  if (it == entries_.end()) return std::nullopt;
  Entry entry = std::move(it->second);
  entries_.erase(it);
  if (entry.expires <= now_()) return std::nullopt;
  return std::move(entry.request);
}

size_t RequestCache::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

}  // namespace crix::streaming

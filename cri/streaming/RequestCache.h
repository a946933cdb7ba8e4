// The streaming requests the CRI RPCs accepted, each under a random token
// that goes into the URL handed to the client. A token works once and only
// for a while (kubelet's request_cache.go: one minute, 1000 in flight).
// Thread-safe: RPC threads insert, connection threads consume.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "cri/streaming/StreamingRequests.h"

namespace crix::streaming {

struct RequestCacheOptions {
  std::chrono::milliseconds ttl = std::chrono::minutes(1);
  size_t maxInFlight = 1000;
};

class RequestCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RequestCache(RequestCacheOptions options = {}, std::function<Clock::time_point()> now = Clock::now);

  // A fresh token (16 random bytes from OpenSSL, base64url without padding:
  // 22 characters from [A-Za-z0-9_-]). Expired entries are dropped first;
  // throws crix::Error ResourceExhausted when maxInFlight are still valid,
  // Internal when the random generator fails.
  std::string insert(StreamingRequest request);

  // The request once, then never again; nothing for an unknown or expired
  // token.
  std::optional<StreamingRequest> consume(const std::string& token);

  size_t size() const;

 private:
  struct Entry {
    StreamingRequest request;
    Clock::time_point expires;
  };
  void dropExpired(Clock::time_point now);

  RequestCacheOptions options_;
  std::function<Clock::time_point()> now_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;
};

// 16 random bytes, base64url without padding.
std::string randomToken();

}  // namespace crix::streaming

// Performs single HTTP requests with libcurl for the registry client: TLS with
// extra CAs and client certificates, timeouts that turn a dead peer into a
// clear error, response bodies either buffered (small documents) or streamed
// to a callback (blobs). Connections, DNS results and TLS sessions are shared
// between requests and threads through one curl share handle.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/Error.h"
#include "storage/registry/CurlHandles.h"
#include "storage/registry/RegistryTlsConfig.h"

namespace crix::registry {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  std::string body;                  // sent for POST
  bool followRedirects = false;
  bool allowPlainHttp = false;  // may redirects lead to http:// ?
  bool verifyTls = true;
  std::shared_ptr<const RegistryTlsConfig> tls;
  // Successful (2xx) bodies larger than this abort the request; other bodies
  // (error documents) are cut at this size.
  std::size_t maxBodyBytes = 1024 * 1024;
  // When set, 2xx bodies go here as they arrive instead of being buffered.
  // It may throw to abort; the exception comes out of perform().
  std::function<void(std::string_view)> onBody;
  // Whole-request limit; zero means none (streamed blobs rely on the
  // low-speed limit instead).
  std::chrono::milliseconds timeout{0};
};

struct HttpResponse {
  long status = 0;
  std::string effectiveUrl;
  // Headers of the final response, names lowercased.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  bool bodyTooLarge = false;

  std::optional<std::string> header(std::string_view lowercaseName) const;
  std::vector<std::string> headerValues(std::string_view lowercaseName) const;
};

// The request never got an HTTP answer: refused connection, DNS failure,
// timeout, TLS failure. Always StatusCode::Unavailable.
class HttpTransportError : public Error {
 public:
  HttpTransportError(const std::string& message, bool tlsVerificationFailed)
      : Error(StatusCode::Unavailable, message), tlsVerificationFailed_(tlsVerificationFailed) {}
  bool tlsVerificationFailed() const { return tlsVerificationFailed_; }

 private:
  bool tlsVerificationFailed_;
};

struct HttpTimeouts {
  std::chrono::milliseconds connect{30'000};
  // Abort when fewer than lowSpeedBytesPerSecond arrive for this long.
  std::chrono::milliseconds lowSpeedTime{60'000};
  long lowSpeedBytesPerSecond = 1;
};

class HttpTransport {
 public:
  HttpTransport(HttpTimeouts timeouts, std::string userAgent);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  HttpResponse perform(const HttpRequest& request) const;

 private:
  static void lockShare(CURL*, curl_lock_data data, curl_lock_access, void* self);
  static void unlockShare(CURL*, curl_lock_data data, void* self);

  HttpTimeouts timeouts_;
  std::string userAgent_;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> shareLocks_;
  CurlShare share_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string urlEncode(std::string_view text);
// "host[:port]" of an http(s) URL; empty when it is not one.
std::string urlHostPort(std::string_view url);

}  // namespace crix::registry

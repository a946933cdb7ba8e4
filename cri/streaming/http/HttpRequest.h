// One parsed HTTP/1.1 request head. The streaming server only ever reads
// heads: exec, attach and port-forward requests are upgrades without a body.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/http/HttpHeaders.h"

namespace crix::streaming {

struct HttpRequest {
  std::string method;   // as sent, e.g. "GET" (methods are case-sensitive)
  std::string target;   // the request-target as sent, e.g. "/exec/abc?stdin=1"
  std::string path;     // target up to '?', still percent-encoded
  std::string query;    // after '?' (without it), still encoded; "" when none
  int versionMinor = 1; // HTTP/1.<versionMinor>: 0 or 1
  HttpHeaders headers;

  // Every value of `key` in the query, percent- and '+'-decoded, in order.
  // Pairs with a malformed escape are skipped, as Go's url.ParseQuery does.
  std::vector<std::string> queryValues(std::string_view key) const;
  std::optional<std::string> queryValue(std::string_view key) const;
};

// "%41+b" -> "A b"; nothing when an escape is malformed.
std::optional<std::string> decodeQueryComponent(std::string_view encoded);

}  // namespace crix::streaming

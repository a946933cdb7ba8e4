// An HTTP/1.1 response head and body, written out as bytes: the 101 that
// hands a connection to WebSocket or SPDY, and the refusals before it
// (400, 403, 404, 405, 426, 431, 505...).
#pragma once

#include <string>
#include <string_view>

#include "cri/streaming/http/HttpHeaders.h"

namespace crix::streaming {

// The RFC 9110 reason phrase of `status`; "Unknown" for codes it lacks.
std::string_view reasonPhrase(int status);

struct HttpResponse {
  int status = 200;
  HttpHeaders headers;
  std::string body;

  // Status line, headers, empty line, body. Adds Content-Length for every
  // status that may carry a body (not 1xx, 204, 304) unless already set.
  // Throws an InvalidArgument crix::Error if a header name is not a token or
  // a name or value holds CR, LF or NUL: nothing may split the response.
  std::string serialize() const;
};

// A refusal in the shape Go's http.Error gives kubelet's: plain-text body
// (the message and a newline), nosniff, and Connection: close because the
// connection ends after it.
HttpResponse errorResponse(int status, std::string_view message);

}  // namespace crix::streaming

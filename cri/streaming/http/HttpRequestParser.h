// Incremental parser for one HTTP/1.1 request head (request line and header
// fields, RFC 9112), fed the peer's bytes as they arrive in any split. It
// reads no body: after the head comes the upgraded protocol (WebSocket or
// SPDY), whose first bytes may already sit in the same read and are kept as
// the remainder. Every byte is hostile input, so the head's size and field
// count are bounded and a malformed head fails with the status to answer.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cri/streaming/http/HttpRequest.h"

namespace crix::streaming {

struct HttpParseLimits {
  size_t maxHeadBytes = 16 * 1024;  // request line + fields + the empty line
  size_t maxHeaderCount = 100;
};

class HttpRequestParser {
 public:
  enum class State { Incomplete, Complete, Failed };

  explicit HttpRequestParser(HttpParseLimits limits = {});

  // Takes the next bytes read from the peer and returns the state after
  // them. Once Complete, further bytes are appended to the remainder; once
  // Failed, they are ignored.
  State feed(std::string_view bytes);
  State state() const { return state_; }

  // The parsed head; throws a FailedPrecondition crix::Error unless Complete.
  const HttpRequest& request() const;
  HttpRequest takeRequest();
  // The bytes after the head, handed over once (the upgraded stream's start).
  std::string takeRemainder();

  // When Failed: the status to answer (400 Bad Request, 431 Request Header
  // Fields Too Large, 505 HTTP Version Not Supported) and a message naming
  // what was wrong, fit for the response body and the log.
  int failureStatus() const { return failureStatus_; }
  const std::string& failureMessage() const { return failureMessage_; }

 private:
  State fail(int status, std::string message);
  bool parseLine(std::string_view line);
  bool parseRequestLine(std::string_view line);
  bool parseHeaderField(std::string_view line);
  bool finishHead();

  HttpParseLimits limits_;
  State state_ = State::Incomplete;
  std::string buffer_;   // head bytes not yet consumed as lines
  size_t headBytes_ = 0; // bytes of the head consumed so far
  bool sawRequestLine_ = false;
  HttpRequest request_;
  std::string remainder_;
  int failureStatus_ = 0;
  std::string failureMessage_;
};

}  // namespace crix::streaming

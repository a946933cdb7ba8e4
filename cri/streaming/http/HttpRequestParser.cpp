#include "cri/streaming/http/HttpRequestParser.h"

#include <utility>

#include "core/Error.h"

namespace crix::streaming {

namespace {

// RFC 9110 5.6.2 tchar.
bool isTokenChar(unsigned char c) {
  if (c >= '0' && c <= '9') return true;
  if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
    case '-': case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool isToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!isTokenChar(c)) return false;
  return true;
}

// Field values may hold visible ASCII, spaces, tabs and obs-text; never
// other control characters (a lone CR or a NUL smuggles a second meaning).
bool isFieldValue(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  return true;
}

bool isVisibleAscii(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 0x20 || c >= 0x7f) return false;
  return true;
}

std::string_view trimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

HttpRequestParser::HttpRequestParser(HttpParseLimits limits) : limits_(limits) {}

HttpRequestParser::State HttpRequestParser::fail(int status, std::string message) {
  state_ = State::Failed;
  failureStatus_ = status;
  failureMessage_ = std::move(message);
  buffer_.clear();
  return state_;
}

HttpRequestParser::State HttpRequestParser::feed(std::string_view bytes) {
  if (state_ == State::Complete) {
    remainder_.append(bytes);
    return state_;
  }
  if (state_ == State::Failed) return state_;

  // Only lines are consumed here; whatever follows the head goes to the
  // remainder untouched.
  size_t searchFrom = buffer_.size();
  buffer_.append(bytes);
  size_t lineStart = 0;
  while (state_ == State::Incomplete) {
    const size_t newline = buffer_.find('\n', searchFrom);
    if (newline == std::string::npos) break;
    headBytes_ += newline + 1 - lineStart;
    if (headBytes_ > limits_.maxHeadBytes)
      return fail(431, "request head exceeds " + std::to_string(limits_.maxHeadBytes) + " bytes");
    std::string_view line(buffer_.data() + lineStart, newline - lineStart);
    // RFC 9112 2.2 lets a recipient take a bare LF as a line end.
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lineStart = newline + 1;
    searchFrom = lineStart;
    if (!parseLine(line)) return state_;
  }
  if (state_ == State::Complete) {
    remainder_.assign(buffer_, lineStart);
    buffer_.clear();
    buffer_.shrink_to_fit();
    return state_;
  }
  buffer_.erase(0, lineStart);
  if (headBytes_ + buffer_.size() > limits_.maxHeadBytes)
    return fail(431, "request head exceeds " + std::to_string(limits_.maxHeadBytes) + " bytes");
  return state_;
}

bool HttpRequestParser::parseLine(std::string_view line) {
  if (!sawRequestLine_) {
    // RFC 9112 2.2: empty lines before the request line are ignored.
    if (line.empty()) return true;
    return parseRequestLine(line);
  }
  if (line.empty()) return finishHead();
  return parseHeaderField(line);
}

bool HttpRequestParser::parseRequestLine(std::string_view line) {
  sawRequestLine_ = true;
  const size_t firstSpace = line.find(' ');
  const size_t secondSpace = firstSpace == std::string_view::npos ? firstSpace : line.find(' ', firstSpace + 1);
  if (secondSpace == std::string_view::npos || line.find(' ', secondSpace + 1) != std::string_view::npos) {
    fail(400, "malformed request line");
    return false;
  }
  const std::string_view method = line.substr(0, firstSpace);
  const std::string_view target = line.substr(firstSpace + 1, secondSpace - firstSpace - 1);
  const std::string_view version = line.substr(secondSpace + 1);

  if (!isToken(method)) {
    fail(400, "malformed request method");
    return false;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !isDigit(version[5]) || version[6] != '.' ||
      !isDigit(version[7])) {
    fail(400, "malformed HTTP version");
    return false;
  }
  if (version[5] != '1') {
    fail(505, "HTTP version " + std::string(version.substr(5)) + " is not supported");
    return false;
  }
  // A later 1.x minor version is answered as 1.1 (RFC 9110 2.5).
  request_.versionMinor = version[7] == '0' ? 0 : 1;

  if (target.empty() || !isVisibleAscii(target)) {
    fail(400, "malformed request target");
    return false;
  }
  std::string_view pathAndQuery = target;
  if (target.front() != '/' && target != "*") {
    // absolute-form (RFC 9112 3.2.2): only the path and query matter here.
    const size_t schemeEnd = target.find("://");
    if (schemeEnd == std::string_view::npos || schemeEnd == 0 || !isToken(target.substr(0, schemeEnd))) {
      fail(400, "malformed request target");
      return false;
    }
    const size_t pathStart = target.find_first_of("/?", schemeEnd + 3);
    pathAndQuery = pathStart == std::string_view::npos ? std::string_view("/") : target.substr(pathStart);
  }
  const size_t question = pathAndQuery.find('?');
  std::string_view path = pathAndQuery.substr(0, question);
  request_.path = path.empty() ? "/" : std::string(path);
  request_.query = question == std::string_view::npos ? std::string() : std::string(pathAndQuery.substr(question + 1));
  request_.method = method;
  request_.target = target;
  return true;
}

bool HttpRequestParser::parseHeaderField(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    // obs-fold (RFC 9112 5.2): a server may reject it, and does.
    fail(400, "folded header field lines are not accepted");
    return false;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(400, "header field line without a colon");
    return false;
  }
  const std::string_view name = line.substr(0, colon);
  if (!isToken(name)) {
    // Includes whitespace before the colon, which RFC 9112 5.1 requires be rejected.
    fail(400, "malformed header field name");
    return false;
  }
  const std::string_view value = trimOws(line.substr(colon + 1));
  if (!isFieldValue(value)) {
    fail(400, "header field " + std::string(name) + " has control characters in its value");
    return false;
  }
  if (request_.headers.size() >= limits_.maxHeaderCount) {
    fail(431, "more than " + std::to_string(limits_.maxHeaderCount) + " header fields");
    return false;
  }
  request_.headers.add(std::string(name), std::string(value));
  return true;
}

bool HttpRequestParser::finishHead() {
  const size_t hosts = request_.headers.count("Host");
  if (request_.versionMinor == 1 && hosts == 0) {
    fail(400, "missing required Host header");
    return false;
  }
  if (hosts > 1) {
    fail(400, "more than one Host header");
    return false;
  }
  state_ = State::Complete;
  return true;
}

const HttpRequest& HttpRequestParser::request() const {
  if (state_ != State::Complete) throw Error::failedPrecondition("the HTTP request head is not complete");
  return request_;
}

HttpRequest HttpRequestParser::takeRequest() {
  if (state_ != State::Complete) throw Error::failedPrecondition("the HTTP request head is not complete");
  return std::move(request_);
}

std::string HttpRequestParser::takeRemainder() { return std::exchange(remainder_, std::string()); }

}  // namespace crix::streaming

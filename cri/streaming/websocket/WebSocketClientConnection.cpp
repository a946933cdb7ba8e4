#include "cri/streaming/websocket/WebSocketClientConnection.h"

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <utility>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/http/HttpHeaders.h"
#include "cri/streaming/http/HttpResponse.h"
#include "core/Base64.h"
#include "cri/streaming/websocket/Utf8.h"
#include "cri/streaming/websocket/WebSocketHandshake.h"

namespace crix::streaming {

namespace {

template <size_t N>
std::array<uint8_t, N> randomBytes() {
  std::array<uint8_t, N> bytes{};
  if (RAND_bytes(bytes.data(), static_cast<int>(N)) != 1)
    throw Error::internal("no random bytes for the WebSocket key or mask");
  return bytes;
}

bool holdsLineBreak(std::string_view text) {
  return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

bool isProtocolToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (c <= ' ' || c == ',' || c == 0x7f) return false;
  return true;
}

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// Where the head ends (just past its empty line), or npos, looking at line
// ends from `from` on (earlier ones were looked at before: a server that
// sends a byte at a time must not make this quadratic). Bare LF line ends
// are taken too, as Go's and Node's HTTP clients take them.
size_t headEnd(std::string_view bytes, size_t from) {
  for (size_t at = bytes.find('\n', from); at != std::string_view::npos; at = bytes.find('\n', at + 1)) {
    if (at + 1 < bytes.size() && bytes[at + 1] == '\n') return at + 2;
    if (at + 2 < bytes.size() && bytes[at + 1] == '\r' && bytes[at + 2] == '\n') return at + 3;
  }
  return std::string_view::npos;
}

}  // namespace

WebSocketClientConnection::WebSocketClientConnection(WebSocketClientRequest request, WebSocketClientLimits limits)
    : limits_(limits), offered_(std::move(request.protocols)), reader_(WebSocketPeer::Server, limits.maxMessageBytes) {
  if (request.host.empty() || holdsLineBreak(request.host))
    throw Error::invalidArgument("WebSocket host must be non-empty and hold no line break");
  if (request.target.empty() || request.target.front() != '/' || holdsLineBreak(request.target) ||
      request.target.find(' ') != std::string::npos)
    throw Error::invalidArgument("WebSocket request target must start with / and hold no space or line break");
  for (const auto& protocol : offered_)
    if (!isProtocolToken(protocol))
      throw Error::invalidArgument("WebSocket subprotocol \"" + protocol + "\" is not a token");

  const auto nonce = randomBytes<16>();
  key_ = base64Encode(std::string_view(reinterpret_cast<const char*>(nonce.data()), nonce.size()));
  output_ = "GET " + request.target + " HTTP/1.1\r\n";
  output_ += "Host: " + request.host + "\r\n";
  output_ += "Upgrade: websocket\r\n";
  output_ += "Connection: Upgrade\r\n";
  output_ += "Sec-WebSocket-Key: " + key_ + "\r\n";
  output_ += "Sec-WebSocket-Version: 13\r\n";
  if (!offered_.empty()) {
    std::string list;
    for (const auto& protocol : offered_) list += (list.empty() ? "" : ", ") + protocol;
    output_ += "Sec-WebSocket-Protocol: " + list + "\r\n";
  }
  output_ += "\r\n";
}

std::vector<WebSocketEvent> WebSocketClientConnection::feed(std::string_view bytes) {
  std::vector<WebSocketEvent> events;
  while (!bytes.empty() && state_ != State::Closed) {
    if (state_ == State::Handshaking)
      feedHandshake(events, bytes);
    else
      readFrames(events, bytes);
  }
  return events;
}

std::vector<WebSocketEvent> WebSocketClientConnection::finish() {
  std::vector<WebSocketEvent> events;
  if (state_ == State::Closed) return events;
  if (httpStatus_ != 0 && httpStatus_ != 101) {
    refuse(events);
    return events;
  }
  const bool handshaking = state_ == State::Handshaking;
  state_ = State::Closed;
  events.push_back({WebSocketEvent::Kind::Failed, WebSocketMessageType::Binary,
                    handshaking ? "the server closed the connection before answering the WebSocket upgrade"
                                : "the server closed the connection without a WebSocket close",
                    handshaking ? uint16_t{0} : uint16_t{1006}});
  return events;
}

void WebSocketClientConnection::feedHandshake(std::vector<WebSocketEvent>& events, std::string_view& in) {
  if (httpStatus_ != 0) {
    feedRefusalBody(events, in);
    return;
  }
  const size_t before = head_.size();
  head_.append(in.substr(0, std::min(in.size(), limits_.maxResponseHeadBytes + 1 - before)));
  // A line end found before may complete an empty line only with bytes
  // that are new now; the last three old bytes are enough to re-check.
  const size_t end = headEnd(head_, before >= 3 ? before - 3 : 0);
  if (end == std::string::npos) {
    if (head_.size() > limits_.maxResponseHeadBytes) {
      failHandshake(events, "the WebSocket upgrade answer's head exceeds " +
                                std::to_string(limits_.maxResponseHeadBytes) + " bytes");
      return;
    }
    in.remove_prefix(head_.size() - before);
    return;
  }
  in.remove_prefix(end - before);  // what followed the head stays in `in`
  const std::string head = head_.substr(0, end);
  head_.clear();
  checkResponseHead(events, head);
}

void WebSocketClientConnection::checkResponseHead(std::vector<WebSocketEvent>& events, std::string_view head) {
  std::vector<std::string_view> lines;
  for (size_t start = 0; start < head.size();) {
    const size_t lf = head.find('\n', start);
    std::string_view line = head.substr(start, lf - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty()) lines.push_back(line);
    start = lf + 1;
  }
  // "HTTP/1.1 101 Switching Protocols"
  const std::string_view status = lines.empty() ? std::string_view() : lines.front();
  int code = 0;
  if (status.size() < 12 || !status.starts_with("HTTP/1.") || status[8] != ' ' ||
      std::from_chars(status.data() + 9, status.data() + 12, code).ptr != status.data() + 12 || code < 100 ||
      (status.size() > 12 && status[12] != ' ')) {
    failHandshake(events, "the WebSocket upgrade answer is not an HTTP/1.x status line");
    return;
  }
  HttpHeaders headers;
  for (size_t i = 1; i < lines.size(); ++i) {
    const std::string_view line = lines[i];
    const size_t colon = line.find(':');
    if (line.front() == ' ' || line.front() == '\t' || colon == std::string_view::npos || colon == 0) {
      failHandshake(events, "malformed header field in the WebSocket upgrade answer");
      return;
    }
    headers.add(std::string(line.substr(0, colon)), std::string(trimSpaces(line.substr(colon + 1))));
  }
  httpStatus_ = code;

  if (code != 101) {
    refusalReason_ = "the server refused the WebSocket upgrade: " + std::to_string(code) + " " +
                     std::string(reasonPhrase(code));
    refusalBodyLeft_ = limits_.maxRefusalBodyBytes;
    if (const auto length = headers.get("Content-Length")) {
      size_t declared = 0;
      const auto [end, ec] = std::from_chars(length->data(), length->data() + length->size(), declared);
      if (ec == std::errc() && end == length->data() + length->size()) {
        refusalBodyLength_ = true;
        refusalBodyLeft_ = std::min(refusalBodyLeft_, declared);
      }
    }
    if (refusalBodyLength_ && refusalBodyLeft_ == 0) refuse(events);
    return;
  }

  if (!headers.hasToken("Upgrade", "websocket") || !headers.hasToken("Connection", "upgrade")) {
    failHandshake(events, "the 101 answer lacks Upgrade: websocket or Connection: Upgrade");
    return;
  }
  const auto accepts = headers.getAll("Sec-WebSocket-Accept");
  if (accepts.size() != 1 || accepts.front() != webSocketAcceptKey(key_)) {
    failHandshake(events, "the 101 answer's Sec-WebSocket-Accept does not match our key");
    return;
  }
  if (!headers.listValues("Sec-WebSocket-Extensions").empty()) {
    failHandshake(events, "the server chose a WebSocket extension that was not offered");
    return;
  }
  const auto chosen = headers.listValues("Sec-WebSocket-Protocol");
  if (chosen.size() > 1) {
    failHandshake(events, "the server chose more than one subprotocol");
    return;
  }
  if (chosen.empty() && !offered_.empty()) {
    // RFC 6455 leaves this to the client; kubelet always names its choice,
    // so an answer without one is not a kubelet-style server.
    failHandshake(events, "the server chose no subprotocol of the ones offered");
    return;
  }
  if (!chosen.empty()) {
    if (std::find(offered_.begin(), offered_.end(), chosen.front()) == offered_.end()) {
      failHandshake(events, "the server chose subprotocol \"" + chosen.front() + "\", which was not offered");
      return;
    }
    protocol_ = chosen.front();
  }
  state_ = State::Open;
  upgraded_ = true;
}

void WebSocketClientConnection::feedRefusalBody(std::vector<WebSocketEvent>& events, std::string_view& in) {
  const size_t take = std::min(in.size(), refusalBodyLeft_);
  refusalBody_.append(in.substr(0, take));
  refusalBodyLeft_ -= take;
  in = {};  // anything past what we keep is of no interest
  if (refusalBodyLeft_ == 0) refuse(events);
}

void WebSocketClientConnection::refuse(std::vector<WebSocketEvent>& events) {
  std::string reason = refusalReason_;
  const std::string_view body = trimSpaces(refusalBody_);
  if (!body.empty()) reason += ": " + std::string(body);
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == '\r')) reason.pop_back();
  failHandshake(events, std::move(reason));
}

void WebSocketClientConnection::failHandshake(std::vector<WebSocketEvent>& events, std::string reason) {
  log::debug("websocket client: ", reason);
  state_ = State::Closed;
  head_.clear();
  events.push_back({WebSocketEvent::Kind::Failed, WebSocketMessageType::Binary, std::move(reason), 0});
}

void WebSocketClientConnection::readFrames(std::vector<WebSocketEvent>& events, std::string_view& in) {
  for (auto& event : reader_.feed(std::exchange(in, {}))) {
    if (state_ == State::Open)
      if (auto reply = replyTo(event)) queueFrame(reply->opcode, reply->payload);
    if (endsConnection(event)) state_ = State::Closed;
    events.push_back(std::move(event));
  }
}

void WebSocketClientConnection::queueFrame(WebSocketOpcode opcode, std::string_view payload, bool fin) {
  output_ += encodeWebSocketFrame(opcode, payload, fin, randomBytes<4>());
}

void WebSocketClientConnection::requireOpen() const {
  if (state_ == State::Handshaking) throw Error::failedPrecondition("WebSocket handshake not finished; cannot send");
  if (state_ != State::Open) throw Error::failedPrecondition("WebSocket connection is closing; cannot send");
}

void WebSocketClientConnection::sendBinary(std::string_view data) {
  requireOpen();
  queueFrame(WebSocketOpcode::Binary, data);
}

void WebSocketClientConnection::sendText(std::string_view text) {
  requireOpen();
  if (!isValidUtf8(text)) throw Error::invalidArgument("WebSocket text message is not valid UTF-8");
  queueFrame(WebSocketOpcode::Text, text);
}

void WebSocketClientConnection::sendBinaryFragmented(std::string_view data, size_t fragmentBytes) {
  requireOpen();
  if (fragmentBytes == 0) throw Error::invalidArgument("WebSocket fragment size must be at least 1");
  WebSocketOpcode opcode = WebSocketOpcode::Binary;
  do {
    const std::string_view part = data.substr(0, fragmentBytes);
    data.remove_prefix(part.size());
    queueFrame(opcode, part, data.empty());
    opcode = WebSocketOpcode::Continuation;
  } while (!data.empty());
}

void WebSocketClientConnection::sendPing(std::string_view payload) {
  requireOpen();
  if (payload.size() > kMaxControlPayload) throw Error::invalidArgument("WebSocket ping payload over 125 bytes");
  queueFrame(WebSocketOpcode::Ping, payload);
}

void WebSocketClientConnection::close(uint16_t code, std::string_view reason) {
  if (!isSendableCloseCode(code))
    throw Error::invalidArgument("WebSocket close code " + std::to_string(code) + " cannot be sent");
  if (state_ != State::Open) return;
  queueFrame(WebSocketOpcode::Close, encodeClosePayload(code, utf8Prefix(reason, kMaxControlPayload - 2)));
  state_ = State::Closing;
}

std::string WebSocketClientConnection::takeOutput() { return std::exchange(output_, std::string()); }

}  // namespace crix::streaming

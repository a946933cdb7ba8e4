#include "cri/streaming/websocket/WebSocketConnection.h"

#include <algorithm>
#include <utility>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/websocket/Utf8.h"

namespace crix::streaming {

namespace {

// Header length once its first two bytes are known: 2, the extended
// length, and the 4-byte mask key when present.
size_t headerLength(uint8_t second) {
  const uint8_t length7 = second & 0x7f;
  size_t n = 2 + ((second & 0x80) ? 4 : 0);
  if (length7 == 126) n += 2;
  if (length7 == 127) n += 8;
  return n;
}

bool isKnownOpcode(uint8_t opcode) {
  switch (static_cast<WebSocketOpcode>(opcode)) {
    case WebSocketOpcode::Continuation:
    case WebSocketOpcode::Text:
    case WebSocketOpcode::Binary:
    case WebSocketOpcode::Close:
    case WebSocketOpcode::Ping:
    case WebSocketOpcode::Pong:
      return true;
  }
  return false;
}

// Longest prefix of `text` of at most `limit` bytes that ends on a UTF-8
// character boundary.
std::string_view cutUtf8(std::string_view text, size_t limit) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) --end;
  return text.substr(0, end);
}

}  // namespace

WebSocketConnection::WebSocketConnection(WebSocketLimits limits) : limits_(limits) {}

std::vector<WebSocketEvent> WebSocketConnection::feed(std::string_view bytes) {
  std::vector<WebSocketEvent> events;
  while (!bytes.empty() && state_ != State::Closed) parse(events, bytes);
  return events;
}

void WebSocketConnection::parse(std::vector<WebSocketEvent>& events, std::string_view& in) {
  if (stage_ == Stage::Header) {
    const size_t wanted = header_.size() < 2 ? 2 : headerLength(static_cast<uint8_t>(header_[1]));
    const size_t take = std::min(wanted - header_.size(), in.size());
    header_.append(in.substr(0, take));
    in.remove_prefix(take);
    if (header_.size() < wanted) return;
    if (wanted == 2 && headerLength(static_cast<uint8_t>(header_[1])) > 2) return;  // extended length follows
    if (!parseHeader(events)) return;
    if (remaining_ == 0) finishFrame(events);
    return;
  }

  const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size()));
  std::string& target = isControlOpcode(opcode_) ? control_ : message_;
  const size_t start = target.size();
  target.append(in.substr(0, take));
  for (size_t i = start; i < target.size(); ++i) target[i] = static_cast<char>(target[i] ^ mask_[maskOffset_++ & 3]);
  in.remove_prefix(take);
  remaining_ -= take;
  if (remaining_ == 0) finishFrame(events);
}

bool WebSocketConnection::parseHeader(std::vector<WebSocketEvent>& events) {
  const uint8_t first = static_cast<uint8_t>(header_[0]);
  const uint8_t second = static_cast<uint8_t>(header_[1]);
  fin_ = (first & 0x80) != 0;
  opcode_ = first & 0x0f;
  if (first & 0x70) {
    failConnection(events, wsclose::kProtocolError, "reserved bits set without a negotiated extension");
    return false;
  }
  if (!isKnownOpcode(opcode_)) {
    failConnection(events, wsclose::kProtocolError, "unknown opcode " + std::to_string(opcode_));
    return false;
  }
  if (!(second & 0x80)) {
    failConnection(events, wsclose::kProtocolError, "client frame is not masked");
    return false;
  }

  uint64_t length = second & 0x7f;
  size_t at = 2;
  if (length == 126) {
    length = (static_cast<uint64_t>(static_cast<uint8_t>(header_[2])) << 8) | static_cast<uint8_t>(header_[3]);
    at = 4;
  } else if (length == 127) {
    length = 0;
    for (int i = 0; i < 8; ++i) length = (length << 8) | static_cast<uint8_t>(header_[2 + i]);
    at = 10;
    if (length >> 63) {
      failConnection(events, wsclose::kProtocolError, "frame length has its most significant bit set");
      return false;
    }
  }
  for (int i = 0; i < 4; ++i) mask_[i] = static_cast<uint8_t>(header_[at + i]);
  maskOffset_ = 0;
  remaining_ = length;
  header_.clear();

  if (isControlOpcode(opcode_)) {
    if (!fin_) {
      failConnection(events, wsclose::kProtocolError, "fragmented control frame");
      return false;
    }
    if (length > kMaxControlPayload) {
      failConnection(events, wsclose::kProtocolError, "control frame longer than 125 bytes");
      return false;
    }
    control_.clear();
  } else {
    const bool continuation = opcode_ == static_cast<uint8_t>(WebSocketOpcode::Continuation);
    if (continuation && !inMessage_) {
      failConnection(events, wsclose::kProtocolError, "continuation frame without a message to continue");
      return false;
    }
    if (!continuation && inMessage_) {
      failConnection(events, wsclose::kProtocolError, "new data frame inside a fragmented message");
      return false;
    }
    if (length > limits_.maxMessageBytes - message_.size()) {
      failConnection(events, wsclose::kMessageTooBig,
                     "message exceeds " + std::to_string(limits_.maxMessageBytes) + " bytes");
      return false;
    }
    if (!continuation) {
      inMessage_ = true;
      messageType_ = opcode_ == static_cast<uint8_t>(WebSocketOpcode::Text) ? WebSocketMessageType::Text
                                                                            : WebSocketMessageType::Binary;
    }
    // Declared lengths are only promises: reserve a bounded part up front.
    message_.reserve(message_.size() + static_cast<size_t>(std::min<uint64_t>(length, 1 << 20)));
  }
  stage_ = Stage::Payload;
  return true;
}

void WebSocketConnection::finishFrame(std::vector<WebSocketEvent>& events) {
  stage_ = Stage::Header;
  switch (static_cast<WebSocketOpcode>(opcode_)) {
    case WebSocketOpcode::Ping:
      // A pong after our close would be a frame after the close (RFC 6455 5.5.1).
      if (state_ == State::Open) queueFrame(WebSocketOpcode::Pong, control_);
      events.push_back({WebSocketEvent::Kind::Ping, WebSocketMessageType::Binary, std::move(control_), 0});
      control_.clear();
      return;
    case WebSocketOpcode::Pong:
      events.push_back({WebSocketEvent::Kind::Pong, WebSocketMessageType::Binary, std::move(control_), 0});
      control_.clear();
      return;
    case WebSocketOpcode::Close:
      handleClose(events);
      return;
    default:
      break;
  }
  if (!fin_) return;
  inMessage_ = false;
  if (messageType_ == WebSocketMessageType::Text && !isValidUtf8(message_)) {
    failConnection(events, wsclose::kInvalidPayload, "text message is not valid UTF-8");
    return;
  }
  events.push_back({WebSocketEvent::Kind::Message, messageType_, std::exchange(message_, std::string()), 0});
}

void WebSocketConnection::handleClose(std::vector<WebSocketEvent>& events) {
  uint16_t code = wsclose::kNoStatus;
  std::string reason;
  if (control_.size() == 1) {
    failConnection(events, wsclose::kProtocolError, "close frame with a one-byte payload");
    return;
  }
  if (control_.size() >= 2) {
    code = static_cast<uint16_t>((static_cast<uint8_t>(control_[0]) << 8) | static_cast<uint8_t>(control_[1]));
    reason = control_.substr(2);
    if (!isSendableCloseCode(code)) {
      failConnection(events, wsclose::kProtocolError, "invalid close code " + std::to_string(code));
      return;
    }
    if (!isValidUtf8(reason)) {
      failConnection(events, wsclose::kInvalidPayload, "close reason is not valid UTF-8");
      return;
    }
  }
  if (state_ == State::Open) {
    // Echo the peer's code (RFC 6455 5.5.1); an empty close is echoed empty.
    queueFrame(WebSocketOpcode::Close, code == wsclose::kNoStatus ? std::string() : encodeClosePayload(code, {}));
  }
  state_ = State::Closed;
  events.push_back({WebSocketEvent::Kind::Closed, WebSocketMessageType::Binary, std::move(reason), code});
}

void WebSocketConnection::failConnection(std::vector<WebSocketEvent>& events, uint16_t code, std::string reason) {
  log::debug("websocket: failing the connection with ", code, ": ", reason);
  if (state_ == State::Open) queueFrame(WebSocketOpcode::Close, encodeClosePayload(code, cutUtf8(reason, 123)));
  state_ = State::Closed;
  header_.clear();
  control_.clear();
  message_.clear();
  events.push_back({WebSocketEvent::Kind::Failed, WebSocketMessageType::Binary, std::move(reason), code});
}

void WebSocketConnection::queueFrame(WebSocketOpcode opcode, std::string_view payload) {
  output_ += encodeWebSocketFrame(opcode, payload);
}

void WebSocketConnection::sendBinary(std::string_view data) {
  if (!canSend()) throw Error::failedPrecondition("WebSocket connection is closing; cannot send");
  queueFrame(WebSocketOpcode::Binary, data);
}

void WebSocketConnection::sendText(std::string_view text) {
  if (!canSend()) throw Error::failedPrecondition("WebSocket connection is closing; cannot send");
  if (!isValidUtf8(text)) throw Error::invalidArgument("WebSocket text message is not valid UTF-8");
  queueFrame(WebSocketOpcode::Text, text);
}

void WebSocketConnection::sendPing(std::string_view payload) {
  if (!canSend()) throw Error::failedPrecondition("WebSocket connection is closing; cannot send");
  if (payload.size() > kMaxControlPayload) throw Error::invalidArgument("WebSocket ping payload over 125 bytes");
  queueFrame(WebSocketOpcode::Ping, payload);
}

void WebSocketConnection::close(uint16_t code, std::string_view reason) {
  if (!isSendableCloseCode(code)) throw Error::invalidArgument("WebSocket close code " + std::to_string(code) + " cannot be sent");
  if (state_ != State::Open) return;
  queueFrame(WebSocketOpcode::Close, encodeClosePayload(code, cutUtf8(reason, kMaxControlPayload - 2)));
  state_ = State::Closing;
}

std::string WebSocketConnection::takeOutput() { return std::exchange(output_, std::string()); }

}  // namespace crix::streaming

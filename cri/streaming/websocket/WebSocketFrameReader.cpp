#include "cri/streaming/websocket/WebSocketFrameReader.h"

#include <algorithm>
#include <utility>

#include "core/Log.h"
#include "cri/streaming/websocket/Utf8.h"
#include "cri/streaming/websocket/WebSocketFrame.h"

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

}  // namespace

WebSocketFrameReader::WebSocketFrameReader(WebSocketPeer peer, size_t maxMessageBytes)
    : peer_(peer), maxMessageBytes_(maxMessageBytes) {}

std::vector<WebSocketEvent> WebSocketFrameReader::feed(std::string_view bytes) {
  std::vector<WebSocketEvent> events;
  while (!bytes.empty() && !done_) parse(events, bytes);
  return events;
}

void WebSocketFrameReader::parse(std::vector<WebSocketEvent>& events, std::string_view& in) {
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
  if (peer_ == WebSocketPeer::Client)
    for (size_t i = start; i < target.size(); ++i) target[i] = static_cast<char>(target[i] ^ mask_[maskOffset_++ & 3]);
  in.remove_prefix(take);
  remaining_ -= take;
  if (remaining_ == 0) finishFrame(events);
}

bool WebSocketFrameReader::parseHeader(std::vector<WebSocketEvent>& events) {
  const uint8_t first = static_cast<uint8_t>(header_[0]);
  const uint8_t second = static_cast<uint8_t>(header_[1]);
  fin_ = (first & 0x80) != 0;
  opcode_ = first & 0x0f;
  if (first & 0x70) {
    fail(events, wsclose::kProtocolError, "reserved bits set without a negotiated extension");
    return false;
  }
  if (!isKnownOpcode(opcode_)) {
    fail(events, wsclose::kProtocolError, "unknown opcode " + std::to_string(opcode_));
    return false;
  }
  const bool masked = (second & 0x80) != 0;
  if (peer_ == WebSocketPeer::Client && !masked) {
    fail(events, wsclose::kProtocolError, "client frame is not masked");
    return false;
  }
  if (peer_ == WebSocketPeer::Server && masked) {
    fail(events, wsclose::kProtocolError, "server frame is masked");
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
      fail(events, wsclose::kProtocolError, "frame length has its most significant bit set");
      return false;
    }
  }
  if (masked)
    for (int i = 0; i < 4; ++i) mask_[i] = static_cast<uint8_t>(header_[at + i]);
  maskOffset_ = 0;
  remaining_ = length;
  header_.clear();

  if (isControlOpcode(opcode_)) {
    if (!fin_) {
      fail(events, wsclose::kProtocolError, "fragmented control frame");
      return false;
    }
    if (length > kMaxControlPayload) {
      fail(events, wsclose::kProtocolError, "control frame longer than 125 bytes");
      return false;
    }
    control_.clear();
  } else {
    const bool continuation = opcode_ == static_cast<uint8_t>(WebSocketOpcode::Continuation);
    if (continuation && !inMessage_) {
      fail(events, wsclose::kProtocolError, "continuation frame without a message to continue");
      return false;
    }
    if (!continuation && inMessage_) {
      fail(events, wsclose::kProtocolError, "new data frame inside a fragmented message");
      return false;
    }
    if (length > maxMessageBytes_ - message_.size()) {
      fail(events, wsclose::kMessageTooBig, "message exceeds " + std::to_string(maxMessageBytes_) + " bytes");
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

void WebSocketFrameReader::finishFrame(std::vector<WebSocketEvent>& events) {
  stage_ = Stage::Header;
  switch (static_cast<WebSocketOpcode>(opcode_)) {
    case WebSocketOpcode::Ping:
      events.push_back({WebSocketEvent::Kind::Ping, WebSocketMessageType::Binary, std::exchange(control_, {}), 0});
      return;
    case WebSocketOpcode::Pong:
      events.push_back({WebSocketEvent::Kind::Pong, WebSocketMessageType::Binary, std::exchange(control_, {}), 0});
      return;
    case WebSocketOpcode::Close:
      readClose(events);
      return;
    default:
      break;
  }
  if (!fin_) return;
  inMessage_ = false;
  if (messageType_ == WebSocketMessageType::Text && !isValidUtf8(message_)) {
    fail(events, wsclose::kInvalidPayload, "text message is not valid UTF-8");
    return;
  }
  events.push_back({WebSocketEvent::Kind::Message, messageType_, std::exchange(message_, {}), 0});
}

void WebSocketFrameReader::readClose(std::vector<WebSocketEvent>& events) {
  uint16_t code = wsclose::kNoStatus;
  std::string reason;
  if (control_.size() == 1) {
    fail(events, wsclose::kProtocolError, "close frame with a one-byte payload");
    return;
  }
  if (control_.size() >= 2) {
    code = static_cast<uint16_t>((static_cast<uint8_t>(control_[0]) << 8) | static_cast<uint8_t>(control_[1]));
    reason = control_.substr(2);
    if (!isSendableCloseCode(code)) {
      fail(events, wsclose::kProtocolError, "invalid close code " + std::to_string(code));
      return;
    }
    if (!isValidUtf8(reason)) {
      fail(events, wsclose::kInvalidPayload, "close reason is not valid UTF-8");
      return;
    }
  }
  done_ = true;
  control_.clear();
  message_.clear();
  events.push_back({WebSocketEvent::Kind::Closed, WebSocketMessageType::Binary, std::move(reason), code});
}

void WebSocketFrameReader::fail(std::vector<WebSocketEvent>& events, uint16_t code, std::string reason) {
  log::debug(peer_ == WebSocketPeer::Server ? "websocket client" : "websocket", ": failing the connection with ", code,
             ": ", reason);
  done_ = true;
  header_.clear();
  control_.clear();
  message_.clear();
  events.push_back({WebSocketEvent::Kind::Failed, WebSocketMessageType::Binary, std::move(reason), code});
}

std::optional<WebSocketReply> replyTo(const WebSocketEvent& event) {
  switch (event.kind) {
    case WebSocketEvent::Kind::Ping:
      return WebSocketReply{WebSocketOpcode::Pong, event.payload};
    case WebSocketEvent::Kind::Closed:
      return WebSocketReply{WebSocketOpcode::Close,
                            event.closeCode == wsclose::kNoStatus ? std::string() : encodeClosePayload(event.closeCode, {})};
    case WebSocketEvent::Kind::Failed:
      return WebSocketReply{WebSocketOpcode::Close,
                            encodeClosePayload(event.closeCode, utf8Prefix(event.payload, kMaxControlPayload - 2))};
    case WebSocketEvent::Kind::Message:
    case WebSocketEvent::Kind::Pong:
      break;
  }
  return std::nullopt;
}

bool endsConnection(const WebSocketEvent& event) {
  return event.kind == WebSocketEvent::Kind::Closed || event.kind == WebSocketEvent::Kind::Failed;
}

}  // namespace crix::streaming

#include "cri/streaming/websocket/WebSocketConnection.h"

#include <utility>

#include "core/Error.h"
#include "cri/streaming/websocket/Utf8.h"

namespace crix::streaming {

WebSocketConnection::WebSocketConnection(WebSocketLimits limits)
    : reader_(WebSocketPeer::Client, limits.maxMessageBytes) {}

std::vector<WebSocketEvent> WebSocketConnection::feed(std::string_view bytes) {
  if (state_ == State::Closed) return {};
  auto events = reader_.feed(bytes);
  for (const auto& event : events) {
    if (state_ == State::Open)
      if (auto reply = replyTo(event)) queueFrame(reply->opcode, reply->payload);
    if (endsConnection(event)) state_ = State::Closed;
  }
  return events;
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
  queueFrame(WebSocketOpcode::Close, encodeClosePayload(code, utf8Prefix(reason, kMaxControlPayload - 2)));
  state_ = State::Closing;
}

std::string WebSocketConnection::takeOutput() { return std::exchange(output_, std::string()); }

}  // namespace crix::streaming

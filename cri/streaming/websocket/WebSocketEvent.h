// What a WebSocket connection reports to its owner after reading peer
// bytes; both roles (WebSocketConnection, WebSocketClientConnection) and the
// frame reader they share speak it.
#pragma once

#include <cstdint>
#include <string>

namespace crix::streaming {

enum class WebSocketMessageType { Text, Binary };

struct WebSocketEvent {
  enum class Kind {
    Message,  // a whole (reassembled) data message in `payload`
    Ping,     // the peer pinged with `payload`; the pong is already queued
    Pong,     // the peer's pong with `payload`
    Closed,   // the close handshake ended: `closeCode` (1005 when the peer's
              // close had none) and `payload` = reason, both the peer's; if
              // the peer started it, the echo is already queued
    Failed,   // the peer broke the protocol: `closeCode` is what we sent,
              // `payload` says why
  };
  Kind kind = Kind::Message;
  WebSocketMessageType messageType = WebSocketMessageType::Binary;
  std::string payload;
  uint16_t closeCode = 0;
};

}  // namespace crix::streaming

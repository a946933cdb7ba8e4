// The receiving half of RFC 6455 for either role, sans-IO: peer bytes in
// (any split), the events they complete out. It only reads; the connection
// that owns it decides what to answer (pong, close echo, the failing close
// frame) and what its state becomes, so each role keeps its own sending.
//
// The events are WebSocketEvent's kinds with the reader's meaning:
//   Message, Ping, Pong: as the connection reports them (no pong queued);
//   Closed: the peer's close frame, already checked (code 1005 when it had
//           none, reason valid UTF-8);
//   Failed: the peer broke the protocol; `closeCode` is what to fail the
//           connection with (RFC 6455 7.1.7), `payload` says why:
//     1002: wrong masking for the role, RSV bits (no extension is ever
//           negotiated), unknown opcode, control frame longer than 125
//           bytes or fragmented, continuation without a message, a new
//           message inside a fragmented one, a 64-bit length with the top
//           bit set, a malformed close payload or close code;
//     1007: a text message or close reason that is not UTF-8;
//     1009: a message whose fragments add up to more than maxMessageBytes
//           (checked on each frame header, before its payload is buffered).
// After Closed or Failed the reader is done: it drops its buffers and
// ignores every later byte, as nothing may follow a close.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/websocket/WebSocketEvent.h"
#include "cri/streaming/websocket/WebSocketFrame.h"

namespace crix::streaming {

// Whose frames are read: a server reads client frames, which must be
// masked; a client reads server frames, which must not be (RFC 6455 5.1).
enum class WebSocketPeer { Client, Server };

class WebSocketFrameReader {
 public:
  WebSocketFrameReader(WebSocketPeer peer, size_t maxMessageBytes);

  std::vector<WebSocketEvent> feed(std::string_view bytes);
  bool done() const { return done_; }

 private:
  enum class Stage { Header, Payload };

  void parse(std::vector<WebSocketEvent>& events, std::string_view& in);
  bool parseHeader(std::vector<WebSocketEvent>& events);
  void finishFrame(std::vector<WebSocketEvent>& events);
  void readClose(std::vector<WebSocketEvent>& events);
  void fail(std::vector<WebSocketEvent>& events, uint16_t code, std::string reason);

  WebSocketPeer peer_;
  size_t maxMessageBytes_;
  bool done_ = false;

  Stage stage_ = Stage::Header;
  std::string header_;  // the current frame header's bytes so far (<= 14)
  uint8_t opcode_ = 0;
  bool fin_ = false;
  uint64_t remaining_ = 0;  // payload bytes of the current frame still to come
  uint8_t mask_[4] = {};
  size_t maskOffset_ = 0;
  std::string control_;  // the current control frame's payload

  bool inMessage_ = false;  // a fragmented data message is being reassembled
  WebSocketMessageType messageType_ = WebSocketMessageType::Binary;
  std::string message_;
};

// What an endpoint that may still send answers a reader event with: a
// pong with the ping's payload (RFC 6455 5.5.2), the echo of the peer's
// close code (an empty close echoed empty, 5.5.1), or the close frame that
// fails the connection (7.1.7, the reason cut to fit); nothing otherwise.
// Callers send it only while Open: no frame may follow their own close.
struct WebSocketReply {
  WebSocketOpcode opcode;
  std::string payload;
};
std::optional<WebSocketReply> replyTo(const WebSocketEvent& event);
// Closed and Failed end the connection: the endpoint is Closed after them.
bool endsConnection(const WebSocketEvent& event);

}  // namespace crix::streaming

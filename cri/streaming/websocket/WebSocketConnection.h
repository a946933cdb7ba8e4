// The server side of one WebSocket connection after the 101 (RFC 6455),
// sans-IO: feed() takes the bytes read from the peer and returns what they
// meant; sends and automatic replies (pong, the close echo) queue bytes that
// takeOutput() hands to the caller to write. No threads, no sockets, no
// locking: the server glue owns one connection per connection and
// serializes calls on it.
//
// Every peer byte is hostile; WebSocketFrameReader checks them. A violation
// fails the connection (RFC 6455 7.1.7): a close frame with the matching code is queued, a Failed event is
// reported, the state becomes Closed and later bytes are ignored; the caller
// writes the output and closes the socket.
//   1002 protocol error: unmasked client frame, RSV bits (no extension is
//        ever negotiated), unknown opcode, control frame longer than 125
//        bytes or fragmented, continuation without a message, a new message
//        inside a fragmented one, a 64-bit length with the top bit set, a
//        malformed close payload or close code.
//   1007: a text message or close reason that is not UTF-8.
//   1009: a message whose fragments add up to more than maxMessageBytes
//        (checked on each frame header, before its payload is buffered).
// Output is not bounded here: a peer that pings without reading grows it
// with pongs, so the caller stops reading while outputSize() is over its
// own bound (backpressure) and drops a peer that never drains.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/websocket/WebSocketEvent.h"
#include "cri/streaming/websocket/WebSocketFrame.h"
#include "cri/streaming/websocket/WebSocketFrameReader.h"

namespace crix::streaming {

struct WebSocketLimits {
  size_t maxMessageBytes = 16 * 1024 * 1024;
};

class WebSocketConnection {
 public:
  enum class State {
    Open,
    Closing,  // we sent a close and wait for the peer's
    Closed,   // handshake done or connection failed: write output, close socket
  };

  explicit WebSocketConnection(WebSocketLimits limits = {});

  // Parses the peer's bytes (any split, e.g. the HTTP parser's remainder
  // first). Returns the events they completed, in order.
  std::vector<WebSocketEvent> feed(std::string_view bytes);

  // Queue one unfragmented message. Throw a FailedPrecondition crix::Error
  // unless canSend() (a close was sent or the connection failed), and
  // sendText an InvalidArgument one for text that is not UTF-8.
  void sendBinary(std::string_view data);
  void sendText(std::string_view text);
  // Payload at most 125 bytes (else InvalidArgument).
  void sendPing(std::string_view payload = {});
  // Starts the close handshake (or does nothing once one was sent). `code`
  // must be sendable (isSendableCloseCode, else InvalidArgument); a reason
  // longer than 123 bytes is cut at a UTF-8 character boundary.
  void close(uint16_t code = wsclose::kNormal, std::string_view reason = {});

  bool canSend() const { return state_ == State::Open; }
  State state() const { return state_; }

  // The bytes to write to the peer, in order; the queue is empty afterwards.
  std::string takeOutput();
  size_t outputSize() const { return output_.size(); }

 private:
  void queueFrame(WebSocketOpcode opcode, std::string_view payload);

  State state_ = State::Open;
  std::string output_;
  WebSocketFrameReader reader_;
};

}  // namespace crix::streaming

// The client side of one WebSocket connection (RFC 6455), sans-IO like the
// server's WebSocketConnection: the constructor queues the HTTP upgrade
// request, feed() takes the bytes read from the server (the 101 first, then
// frames) and returns what they meant, sends queue masked frames that
// takeOutput() hands to the caller to write. No sockets, no threads.
//
// The handshake (RFC 6455 4.1): GET with Host, Upgrade: websocket,
// Connection: Upgrade, a random 16-byte Sec-WebSocket-Key, version 13 and
// the offered subprotocols in the caller's order. The answer must be a 101
// with Upgrade/Connection, the Sec-WebSocket-Accept of our key, no
// extension, and no subprotocol or one we offered; anything else fails.
//
// Every server byte is hostile. Failures are reported as a Failed event
// (state Closed; later bytes are ignored):
//  - a refused or malformed handshake: closeCode 0, payload says why
//    (httpStatus() and refusalBody() keep the server's answer); nothing is
//    sent, the caller closes the socket;
//  - a frame-level violation (RFC 6455 7.1.7): a close frame with the code
//    is queued and closeCode says which: 1002 for a masked server frame, RSV
//    bits, an unknown opcode, a long or fragmented control frame, a stray
//    continuation, a 64-bit length with the top bit set, a malformed close
//    payload; 1007 for text or a close reason that is not UTF-8; 1009 for a
//    message over maxMessageBytes (checked on each frame header).
// Frames are masked with a fresh random key each (RFC 6455 5.3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/websocket/WebSocketConnection.h"
#include "cri/streaming/websocket/WebSocketEvent.h"
#include "cri/streaming/websocket/WebSocketFrame.h"
#include "cri/streaming/websocket/WebSocketFrameReader.h"

namespace crix::streaming {

struct WebSocketClientRequest {
  std::string host;    // Host header value: "127.0.0.1:10350"
  std::string target;  // request-target: "/exec/TOKEN?x=1"
  std::vector<std::string> protocols;  // offered subprotocols, most preferred first
};

struct WebSocketClientLimits {
  size_t maxMessageBytes = 16 * 1024 * 1024;
  size_t maxResponseHeadBytes = 16 * 1024;  // the 101's status line and fields
  size_t maxRefusalBodyBytes = 4 * 1024;    // kept from a refusal's body for the message
};

class WebSocketClientConnection {
 public:
  enum class State {
    Handshaking,  // request queued, waiting for the 101
    Open,
    Closing,  // we sent a close and wait for the server's
    Closed,   // handshake refused, close handshake done, or connection failed
  };

  // Throws InvalidArgument for a host or target with CR, LF or NUL, or a
  // subprotocol that is empty or holds a comma or whitespace.
  explicit WebSocketClientConnection(WebSocketClientRequest request, WebSocketClientLimits limits = {});

  // The server's bytes, in any split. Returns the events they completed, in
  // order (Message, Ping with the pong already queued, Pong, Closed, Failed);
  // becoming Open is seen in state() and protocol().
  std::vector<WebSocketEvent> feed(std::string_view bytes);
  // The server closed the TCP connection (read returned 0). Unless the
  // connection is already Closed this reports Failed (closeCode 1006, as
  // RFC 6455 7.1.5 names an abnormal closure) and the state becomes Closed;
  // a refusal whose body had no Content-Length ends here.
  std::vector<WebSocketEvent> finish();

  // Queue one masked unfragmented message; FailedPrecondition unless
  // canSend(), sendText InvalidArgument for text that is not UTF-8.
  void sendBinary(std::string_view data);
  void sendText(std::string_view text);
  // Queue a message in fragments of at most `fragmentBytes` (>= 1) each.
  void sendBinaryFragmented(std::string_view data, size_t fragmentBytes);
  // Payload at most 125 bytes (else InvalidArgument).
  void sendPing(std::string_view payload = {});
  // Starts the close handshake; nothing once a close was sent or before the
  // connection is Open (then the caller just closes the socket).
  // InvalidArgument for a code that may not be sent.
  void close(uint16_t code = wsclose::kNormal, std::string_view reason = {});

  bool canSend() const { return state_ == State::Open; }
  State state() const { return state_; }
  // The subprotocol the server chose ("" when it named none).
  const std::string& protocol() const { return protocol_; }
  // The handshake answer's status (0 until its head arrived) and the start
  // of a refusal's body.
  int httpStatus() const { return httpStatus_; }
  const std::string& refusalBody() const { return refusalBody_; }
  // The 101 was accepted (the state went Open, whatever it is now).
  bool upgraded() const { return upgraded_; }

  std::string takeOutput();
  size_t outputSize() const { return output_.size(); }

 private:
  void feedHandshake(std::vector<WebSocketEvent>& events, std::string_view& in);
  void checkResponseHead(std::vector<WebSocketEvent>& events, std::string_view head);
  void feedRefusalBody(std::vector<WebSocketEvent>& events, std::string_view& in);
  void refuse(std::vector<WebSocketEvent>& events);
  void failHandshake(std::vector<WebSocketEvent>& events, std::string reason);

  void readFrames(std::vector<WebSocketEvent>& events, std::string_view& in);
  void queueFrame(WebSocketOpcode opcode, std::string_view payload, bool fin = true);
  void requireOpen() const;

  WebSocketClientLimits limits_;
  State state_ = State::Handshaking;
  std::string output_;
  std::string key_;
  std::vector<std::string> offered_;
  std::string protocol_;

  std::string head_;  // the handshake answer's head bytes so far
  int httpStatus_ = 0;
  std::string refusalBody_;
  size_t refusalBodyLeft_ = 0;  // body bytes still to keep
  bool refusalBodyLength_ = false;  // the refusal said its Content-Length
  std::string refusalReason_;
  bool upgraded_ = false;

  WebSocketFrameReader reader_;
};

}  // namespace crix::streaming

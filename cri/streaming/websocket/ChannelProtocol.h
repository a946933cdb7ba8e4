// Kubernetes' channel subprotocols over WebSocket (apimachinery wsstream,
// kubelet cri/streaming/remotecommand): every message carries one channel's
// bytes, the channel named by the first byte.
//
//  - channel.k8s.io, v4.channel.k8s.io, v5.channel.k8s.io (and "" = no
//    subprotocol, served as channel.k8s.io): binary messages, byte 0 is the
//    channel number, the rest is the data. Either frame type is accepted
//    from the client, as Go's websocket.Message.Receive does.
//  - base64.channel.k8s.io, v4.base64.channel.k8s.io: text messages, byte 0
//    is the channel as an ASCII digit ('0' + n), the rest is the data in
//    standard padded base64.
//  - Remote command (exec/attach) channels: 0 stdin, 1 stdout, 2 stderr,
//    3 error, 4 resize (JSON {"Width":w,"Height":h} per message). kubelet
//    writes an empty message on stdout (else stderr, else error) right after
//    the upgrade to tell the client the streams are ready.
//  - Error channel: v4 and v5 write a JSON metav1.Status once, at the end
//    (Success too); channel.k8s.io/base64/"" write only a failure's text.
//  - v5.channel.k8s.io adds the close signal: a message of exactly two bytes
//    [255, channel] half-closes that channel (stdin EOF). Any other message
//    starting with 255 is a protocol error that ends kubelet's connection.
//  - A message of zero bytes is ignored; one naming a channel the session
//    does not have is dropped (kubelet logs and goes on), as is base64 that
//    does not decode.
// The subprotocol names and the lists kubelet negotiates are in
// http/StreamProtocols.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cri/streaming/http/StreamProtocols.h"
#include "cri/streaming/websocket/WebSocketConnection.h"

namespace crix::streaming {

// Remote command channel numbers.
namespace channel {
inline constexpr uint8_t kStdin = 0;
inline constexpr uint8_t kStdout = 1;
inline constexpr uint8_t kStderr = 2;
inline constexpr uint8_t kError = 3;
inline constexpr uint8_t kResize = 4;
inline constexpr uint8_t kCloseSignal = 255;  // v5 only
}  // namespace channel

struct ChannelProtocol {
  std::string_view name;     // as negotiated ("" for none)
  bool base64 = false;       // text frames, digit channel, base64 data
  bool closeSignal = false;  // v5: [255, channel] half-closes a channel
  bool statusJson = false;   // error channel carries a metav1.Status (v4, v5)
};

// What a negotiated WebSocket subprotocol means; nothing for names that are
// not channel protocols.
std::optional<ChannelProtocol> channelProtocolFor(std::string_view negotiated);

struct ChannelMessage {
  enum class Kind {
    Data,          // `data` for `channel`
    CloseChannel,  // v5: the client half-closed `channel`
    Ignored,       // nothing to do (empty message, or `error` says why it was dropped)
    Violation,     // malformed close signal: `error` says why; end the connection (1002)
  };
  Kind kind = Kind::Ignored;
  uint8_t channel = 0;
  std::string data;
  std::string error;
};

class ChannelCodec {
 public:
  explicit ChannelCodec(ChannelProtocol protocol) : protocol_(protocol) {}

  const ChannelProtocol& protocol() const { return protocol_; }

  // One WebSocket data message from the client. The caller range-checks
  // `channel` against the channels its session has.
  ChannelMessage decode(std::string_view message) const;

  // One message the server sends on `channel`: for a binary protocol
  // (binary frame, first byte the channel) or a base64 one (text frame;
  // the digit '0' + channel is ASCII only up to channel 79, past it sendText
  // throws InvalidArgument). Throws what WebSocketConnection's sends throw.
  void send(WebSocketConnection& connection, uint8_t channel, std::string_view data) const;

  // The message bytes send() would put in a frame (for tests and clients).
  std::string encode(uint8_t channel, std::string_view data) const;

 private:
  ChannelProtocol protocol_;
};

}  // namespace crix::streaming

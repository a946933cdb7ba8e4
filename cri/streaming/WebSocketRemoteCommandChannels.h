// Exec/attach over WebSocket as kubelet serves it (remotecommand/websocket.go
// with wsstream): channels 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize;
// an empty message on stdout (else stderr, else error) right after the
// upgrade says the streams are ready; v5 half-closes stdin with the close
// signal; v4/v5 end with a JSON Status on the error channel, older
// protocols with a failure's text only. Then a normal close frame.
#pragma once

#include "cri/streaming/RemoteCommandChannels.h"
#include "cri/streaming/RemoteCommandStatus.h"
#include "cri/streaming/TerminalSizeDecoder.h"
#include "cri/streaming/websocket/ChannelProtocol.h"
#include "cri/streaming/websocket/WebSocketConnection.h"

namespace crix::streaming {

class WebSocketRemoteCommandChannels : public RemoteCommandChannels {
 public:
  WebSocketRemoteCommandChannels(ChannelProtocol protocol, RemoteCommandKind kind, RemoteCommandStreams streams);

  void receive(std::string_view bytes, ClientInput& input) override;
  void sendStdout(std::string_view bytes) override;
  void sendStderr(std::string_view bytes) override;
  void finish(const RemoteCommandOutcome& outcome) override;
  size_t heldBytes() const override { return 0; }
  std::string takeOutput() override { return connection_.takeOutput(); }

 private:
  void send(uint8_t channel, std::string_view bytes);
  void onMessage(std::string_view message, ClientInput& input);

  ChannelCodec codec_;
  RemoteCommandKind kind_;
  RemoteCommandStreams streams_;
  WebSocketConnection connection_;
  TerminalSizeDecoder resizeDecoder_;
  bool stdinOpen_;
  bool finished_ = false;
};

}  // namespace crix::streaming

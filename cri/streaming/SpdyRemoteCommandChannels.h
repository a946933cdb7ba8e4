// Exec/attach over SPDY/3.1 as kubelet serves it (remotecommand/httpstream.go):
// the client opens the streams, each named by its streamtype header; every
// stream gets its SYN_REPLY at once. The session is ready when the expected
// streams are there: error always, stdin/stdout/stderr as the request says,
// resize with tty from v3 on. v1 (channel.k8s.io) resets the error stream
// right after that, as 1.0 kubelets did, so v1 clients get no status; v2 and
// v3 write a failure's text, v4 a JSON Status. At the end the stdin and
// resize streams are reset (input is dropped from then on) and the output
// streams get their FIN after the status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cri/streaming/RemoteCommandChannels.h"
#include "cri/streaming/RemoteCommandStatus.h"
#include "cri/streaming/TerminalSizeDecoder.h"
#include "cri/streaming/spdy/SpdySession.h"

namespace crix::streaming {

class SpdyRemoteCommandChannels : public RemoteCommandChannels {
 public:
  // `protocol`: the negotiated X-Stream-Protocol-Version.
  SpdyRemoteCommandChannels(std::string protocol, RemoteCommandKind kind, RemoteCommandStreams streams);

  // Every expected stream was opened (and replied to).
  bool ready() const { return received_ >= expected_; }

  void receive(std::string_view bytes, ClientInput& input) override;
  void sendStdout(std::string_view bytes) override;
  void sendStderr(std::string_view bytes) override;
  void finish(const RemoteCommandOutcome& outcome) override;
  size_t heldBytes() const override { return session_.queuedBytes(); }
  std::string takeOutput() override;

 private:
  void onOpened(const spdy::StreamOpened& opened);
  void send(std::optional<uint32_t> stream, std::string_view bytes);

  std::string protocol_;
  RemoteCommandKind kind_;
  RemoteCommandStreams streams_;
  spdy::SpdySession session_;
  int expected_ = 1;
  int received_ = 0;
  bool finished_ = false;
  std::optional<uint32_t> error_, stdin_, stdout_, stderr_, resize_;
  TerminalSizeDecoder resizeDecoder_;
};

}  // namespace crix::streaming

// The client half of an exec or attach stream, as client-go's WebSocket
// executor does it: connect to the URL the CRI call answered, offering
// v5.channel.k8s.io then v4.channel.k8s.io, and relay until the server ends
// the stream:
//   local stdin  -> channel 0; at its EOF, v5 sends the close signal
//                   [255, 0] (v4 has none: stdin just stays open);
//   channel 1/2  -> local stdout/stderr;
//   channel 3    -> the Status that becomes the outcome;
//   the local terminal's size -> channel 4, at start and on SIGWINCH.
// With a terminal, it is in raw mode while the stream runs and put back on
// every way out (SIGINT, SIGTERM, SIGHUP and SIGQUIT end the stream cleanly
// instead of killing crixctl), and Ctrl-P Ctrl-Q typed there detaches
// (crictl's detach keys: the stream is closed, the remote process goes on,
// exit 0).
#pragma once

#include <chrono>

#include "contrib/crixctl/RemoteCommandStatus.h"
#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/TlsClient.h"

namespace crixctl {

struct RemoteCommandStreams {
  int stdinFd = -1;  // -1: no stdin is streamed (no -i)
  int stdoutFd = 1;
  int stderrFd = 2;
  // A local terminal (normally stdin) to put in raw mode and take the size
  // from; -1 when there is none or no tty was asked for.
  int terminalFd = -1;
};

// Returns how the command ended (an interrupt by signal N gives exit code
// 128+N). Throws crix::Error when the connection cannot be made or breaks
// before the server closes it.
RemoteCommandOutcome runRemoteCommand(const StreamUrl& url, const RemoteCommandStreams& streams,
                                      std::chrono::milliseconds connectTimeout, const StreamTlsConfig& tls = {});

}  // namespace crixctl

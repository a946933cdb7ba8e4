// Port-forward over WebSocket as kubelet serves it (portforward/websocket.go):
// the ports come from the query, each dialed once at the start; port i
// uses channels 2i (data, both ways) and 2i+1 (error, to the client), and
// both start with the port as 2 bytes little-endian. A failed dial or I/O
// error is written as text on the error channel. The protocol has no
// half-close, so a port ends when the pod closes it; when every port has
// ended the server closes the WebSocket normally.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/RemoteCommandSession.h"
#include "cri/streaming/websocket/ChannelProtocol.h"

namespace crix::streaming {

class StreamingBackend;

// The 101 has been queued on `peer`; `early`: client bytes after the head.
void serveWebSocketPortForward(PeerSocket& peer, std::string early, ChannelProtocol protocol,
                               const std::vector<uint16_t>& ports, StreamingBackend& backend,
                               const std::string& podSandboxId, int stopFd, SessionTimeouts timeouts);

}  // namespace crix::streaming

// Port-forward over SPDY/3.1 (portforward.k8s.io) as kubelet serves it
// (portforward/httpstream.go): for every forwarded connection the client
// opens a data and an error stream carrying the same requestid and port.
// When both are there the backend dials the port and bytes flow: the data
// stream's FIN shuts down writing to the pod, the pod's EOF ends the data
// and error streams (FIN). A failed dial or I/O error is reported as text on
// the error stream. A pair not complete within the stream creation timeout
// is dropped with "timed out waiting for streams". Pairs come and go for as
// long as the connection lasts. Each dial runs on a thread of its own (the
// client's early bytes wait for it), joined before the session returns.
#pragma once

#include <chrono>
#include <string>

#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/RemoteCommandSession.h"

namespace crix::streaming {

class StreamingBackend;

struct PortForwardLimits {
  size_t maxPairs = 128;  // forwarded connections open at once on one client connection
  size_t maxDials = 8;    // dials in progress at once on one client connection; further pairs wait their turn
  std::chrono::milliseconds streamCreationTimeout = std::chrono::seconds(30);
};

// `early`: client bytes that came after the HTTP head.
void serveSpdyPortForward(PeerSocket& peer, std::string early, StreamingBackend& backend,
                          const std::string& podSandboxId, int stopFd, SessionTimeouts timeouts,
                          PortForwardLimits limits);

}  // namespace crix::streaming

// The pod end of one forwarded connection: a TCP socket the backend dialed,
// with the client's bytes waiting to be written to it. Shared by the SPDY
// and WebSocket port-forward sessions.
#pragma once

#include <cstdint>
#include <string>

#include "core/UniqueFd.h"

namespace crix::streaming {

class StreamingBackend;

// kubelet's message for a failed forward (portforward/httpstream.go); the
// CRI server has no pod name or uid, so the sandbox id stands for the pod.
std::string portForwardErrorMessage(uint16_t port, const std::string& podSandboxId, const std::string& error);

struct PortForwardTarget {
  UniqueFd socket;          // non-blocking; invalid when closed
  std::string toPod;        // the client's bytes not yet written
  bool clientDone = false;  // the client half-closed: shut down writing once toPod is out
  bool podDone = false;     // the pod side sent EOF

  // Dials through the backend; throws crix::Error with the message for the client.
  static PortForwardTarget dial(StreamingBackend& backend, const std::string& podSandboxId, uint16_t port);

  // Writes what the socket takes. False on an error (the pod side is gone).
  bool writePending();
  // After clientDone and everything written: SHUT_WR once.
  void shutdownWriteWhenDrained();

  enum class ReadResult { Data, WouldBlock, Eof, Error };
  ReadResult read(std::string& into, size_t max);

 private:
  bool writeShut_ = false;
};

}  // namespace crix::streaming

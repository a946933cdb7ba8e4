// One exec/attach session's client side, whatever the transport: SPDY
// streams or WebSocket channels turn into stdin bytes, a stdin half-close,
// terminal sizes and the end of the client; stdout/stderr bytes and the
// final status go the other way. Sans-IO: the session loop feeds the
// client's bytes in and writes takeOutput() to the socket.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming {

// Which of the client's streams a session has (the cached request's flags;
// stderr is never there with tty).
struct RemoteCommandStreams {
  bool stdin = false;
  bool stdout = false;
  bool stderr = false;
  bool tty = false;
};

struct ClientInput {
  std::string stdinBytes;
  bool stdinClosed = false;
  std::vector<TerminalSize> resizes;
  // The client ended the session (closed, went away, broke the protocol).
  bool gone = false;
  std::string goneReason;
};

class RemoteCommandChannels {
 public:
  virtual ~RemoteCommandChannels() = default;

  // The client's bytes, in order; what they meant is added to `input`.
  virtual void receive(std::string_view bytes, ClientInput& input) = 0;
  virtual void sendStdout(std::string_view bytes) = 0;
  virtual void sendStderr(std::string_view bytes) = 0;
  // The command ended: stop taking input, send the status kubelet sends for
  // `outcome`, end every output stream. Only the first call counts.
  virtual void finish(const RemoteCommandOutcome& outcome) = 0;

  // Output accepted but held back (flow control), not yet in takeOutput().
  virtual size_t heldBytes() const = 0;
  virtual std::string takeOutput() = 0;
};

}  // namespace crix::streaming

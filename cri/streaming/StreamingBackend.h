// The seam between the streaming server and the containers: the daemon
// implements StreamingBackend, the server calls it once a client has
// connected and upgraded, and pumps bytes between the client's protocol
// (SPDY/3.1 or WebSocket) and the file descriptors in RemoteCommandIo.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "core/UniqueFd.h"
#include "cri/streaming/StreamingRequests.h"

namespace crix::streaming {

struct TerminalSize {
  uint16_t width = 0;
  uint16_t height = 0;
  bool operator==(const TerminalSize&) const = default;
};

// Terminal sizes from the client, in order. The server pushes, the backend
// pops; thread-safe. Bounded: a backend that never pops loses the oldest
// sizes, never memory (only the latest size matters to a terminal anyway).
class ResizeQueue {
 public:
  static constexpr size_t kMaxQueued = 64;

  void push(TerminalSize size);
  // The next size; nothing after `timeout`, or at once when closed and empty.
  std::optional<TerminalSize> next(std::chrono::milliseconds timeout);
  // No more sizes will come (the client went, or the session ended).
  void close();
  bool closed() const;

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<TerminalSize> sizes_;
  bool closed_ = false;
};

// The backend's ends of the pipes the server pumps. All are stream sockets
// (socketpair, close-on-exec, blocking); the server's ends are its own.
struct RemoteCommandIo {
  UniqueFd stdinFd;   // read: the client's stdin bytes; EOF when the client half-closes stdin
                      // (or goes away); invalid when the request has no stdin
  UniqueFd stdoutFd;  // write; invalid when !stdout
  UniqueFd stderrFd;  // write; invalid when !stderr or tty
  std::shared_ptr<ResizeQueue> resizes;  // only with tty (else null)
  // Readable (EOF / POLLHUP) once the client disconnected or the server is
  // stopping: the backend then stops what it runs and returns.
  UniqueFd clientGone;
};

// failure non-empty: the command could not run / the attach failed; the
// client gets that error instead of an exit code.
struct RemoteCommandOutcome {
  int exitCode = 0;
  std::string failure;
};

class StreamingBackend {
 public:
  virtual ~StreamingBackend() = default;

  // Blocking, on a thread of the connection's own; returns when the command
  // ended (exec) or the attach ended. Once it returns (and `io`'s ends are
  // closed with it), the server sends what is left of stdout/stderr, then
  // the status. If the client goes first, clientGone turns readable and the
  // server's ends close: writes fail with EPIPE (the daemon ignores
  // SIGPIPE), stdin reads see EOF. Exceptions count as failures.
  virtual RemoteCommandOutcome exec(const ExecRequest& request, RemoteCommandIo io) = 0;
  virtual RemoteCommandOutcome attach(const AttachRequest& request, RemoteCommandIo io) = 0;

  // A connected stream socket to localhost:port inside the pod's network
  // namespace. Throws crix::Error; its message goes to the client's error
  // stream. Called on the connection's thread.
  virtual UniqueFd dialPort(const std::string& podSandboxId, uint16_t port) = 0;
};

}  // namespace crix::streaming

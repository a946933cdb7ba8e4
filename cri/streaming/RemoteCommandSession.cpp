#include "cri/streaming/RemoteCommandSession.h"

#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <thread>
#include <vector>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::streaming {

namespace {

using Clock = std::chrono::steady_clock;

// Output the client has not taken yet, and stdin the backend has not, above
// which the loop stops reading the other side.
constexpr size_t kMaxBuffered = 256 * 1024;
// After the backend returned, how long its stdout/stderr may stay open (a
// child it started may still hold them) before the status goes out anyway.
constexpr auto kOutputDrainLimit = std::chrono::seconds(2);

}  // namespace

struct RemoteCommandSession::Impl {
  RemoteCommandSession& s;
  UniqueFd stdinW, stdoutR, stderrR, goneW, doneEvent;
  std::shared_ptr<ResizeQueue> resizes;
  std::string stdinBuffer;
  bool stdinClosing = false;
  bool clientGone = false;
  std::string goneReason;
  std::atomic<bool> backendDone{false};
  RemoteCommandOutcome outcome;
  std::thread backend;
  Clock::time_point lastActivity = Clock::now();
  std::optional<Clock::time_point> drainDeadline;
  std::optional<Clock::time_point> finishDeadline;

  explicit Impl(RemoteCommandSession& session) : s(session) {}

  ~Impl() {
    // Every way out: the backend must see the client gone and return.
    closeServerEnds();
    if (backend.joinable()) backend.join();
  }

  void closeServerEnds() {
    goneW.reset();
    stdinW.reset();
    stdoutR.reset();
    stderrR.reset();
    if (resizes) resizes->close();
  }

  RemoteCommandIo makeIo() {
    RemoteCommandIo io;
    if (s.streams_.stdin) {
      auto [backendEnd, ours] = makeSocketPair();
      io.stdinFd = std::move(backendEnd);
      stdinW = std::move(ours);
      setNonBlocking(stdinW.get());
    }
    if (s.streams_.stdout) {
      auto [backendEnd, ours] = makeSocketPair();
      io.stdoutFd = std::move(backendEnd);
      stdoutR = std::move(ours);
      setNonBlocking(stdoutR.get());
    }
    if (s.streams_.stderr && !s.streams_.tty) {
      auto [backendEnd, ours] = makeSocketPair();
      io.stderrFd = std::move(backendEnd);
      stderrR = std::move(ours);
      setNonBlocking(stderrR.get());
    }
    if (s.streams_.tty) {
      resizes = std::make_shared<ResizeQueue>();
      io.resizes = resizes;
    }
    auto [backendEnd, ours] = makeSocketPair();
    io.clientGone = std::move(backendEnd);
    goneW = std::move(ours);
    // The backend only ever sees EOF on it; its own writes there go nowhere.
    ::shutdown(goneW.get(), SHUT_RD);
    return io;
  }

  void start(const RemoteCommandRunner& runner) {
    doneEvent = makeEventFd();
    RemoteCommandIo io = makeIo();
    const int done = doneEvent.get();
    backend = std::thread([this, &runner, done, io = std::move(io)]() mutable {
      try {
        outcome = runner(std::move(io));
      } catch (const std::exception& e) {
        outcome = RemoteCommandOutcome{0, e.what()};
      }
      // `io` died with the call: the backend's write ends are closed.
      backendDone = true;
      signalEventFd(done);
    });
  }

  void take(ClientInput& input) {
    if (stdinW) stdinBuffer += input.stdinBytes;
    if (input.stdinClosed) stdinClosing = true;
    if (resizes)
      for (const auto& size : input.resizes) resizes->push(size);
    if (input.gone && !clientGone) {
      clientGone = true;
      goneReason = input.goneReason;
    }
    input = {};
  }

  void markGone(const std::string& reason) {
    if (clientGone) return;
    clientGone = true;
    goneReason = reason;
  }

  void readPeer() {
    std::string bytes;
    const auto result = s.peer_.read(bytes);
    if (result == PeerSocket::ReadResult::Closed) return markGone("the client closed the connection");
    if (result == PeerSocket::ReadResult::WouldBlock) return;
    lastActivity = Clock::now();
    ClientInput input;
    s.channels_.receive(bytes, input);
    take(input);
  }

  void writeStdin() {
    while (!stdinBuffer.empty()) {
      const ssize_t n = ::send(stdinW.get(), stdinBuffer.data(), stdinBuffer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        stdinBuffer.erase(0, static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
      // The backend closed its stdin: the client's further bytes go nowhere.
      stdinBuffer.clear();
      stdinW.reset();
      return;
    }
  }

  void closeStdinWhenDrained() {
    if (stdinW && stdinClosing && stdinBuffer.empty()) {
      ::shutdown(stdinW.get(), SHUT_WR);
      stdinW.reset();
    }
  }

  // Forwards what the backend wrote; closes `fd` at EOF or error.
  void readOutput(UniqueFd& fd, bool isStdout) {
    char buffer[32 * 1024];
    const ssize_t n = ::recv(fd.get(), buffer, sizeof buffer, MSG_DONTWAIT);
    if (n > 0) {
      lastActivity = Clock::now();
      const std::string_view bytes(buffer, static_cast<size_t>(n));
      if (isStdout) s.channels_.sendStdout(bytes);
      else s.channels_.sendStderr(bytes);
      return;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    fd.reset();
  }

  size_t clientBacklog() const { return s.peer_.pending() + s.channels_.heldBytes(); }

  bool flushPeer() {
    const std::string out = s.channels_.takeOutput();
    if (!out.empty()) s.peer_.queue(out);
    if (!s.peer_.flush()) {
      markGone("writing to the client failed");
      return false;
    }
    return true;
  }

  void onBackendDone() {
    if (!drainDeadline) drainDeadline = Clock::now() + kOutputDrainLimit;
    const bool outputOpen = stdoutR || stderrR;
    if (outputOpen && Clock::now() < *drainDeadline) return;
    if (finishDeadline) return;
    stdoutR.reset();
    stderrR.reset();
    stdinW.reset();
    if (resizes) resizes->close();
    s.channels_.finish(outcome);
    finishDeadline = Clock::now() + s.timeouts_.finish;
  }

  void loop() {
    while (true) {
      if (clientGone) {
        log::debug("streaming: session ends: ", goneReason);
        return;
      }
      if (backendDone) onBackendDone();
      if (!flushPeer()) continue;
      if (finishDeadline && Clock::now() >= *finishDeadline) {
        log::debug("streaming: the client did not close the connection after the status; closing it");
        return;
      }
      if (s.timeouts_.idle.count() > 0 && !finishDeadline && Clock::now() - lastActivity >= s.timeouts_.idle) {
        log::info("streaming: closing a connection idle for ", s.timeouts_.idle.count(), " ms");
        return;
      }

      std::vector<pollfd> fds;
      auto add = [&](int fd, short events) {
        fds.push_back({fd, events, 0});
        return fds.size() - 1;
      };
      const size_t stopIx = add(s.stopFd_, POLLIN);
      // Only there to wake the poll when the backend returns.
      add(doneEvent.get(), backendDone ? 0 : POLLIN);
      short peerEvents = 0;
      if (stdinBuffer.size() < kMaxBuffered) peerEvents |= POLLIN;
      if (s.peer_.pending() > 0) peerEvents |= POLLOUT;
      const size_t peerIx = add(s.peer_.fd(), peerEvents);
      const bool clientTakes = clientBacklog() < kMaxBuffered;
      const size_t outIx = stdoutR ? add(stdoutR.get(), clientTakes ? POLLIN : 0) : SIZE_MAX;
      const size_t errIx = stderrR ? add(stderrR.get(), clientTakes ? POLLIN : 0) : SIZE_MAX;
      const size_t inIx = stdinW ? add(stdinW.get(), stdinBuffer.empty() ? 0 : POLLOUT) : SIZE_MAX;

      auto wake = Clock::now() + std::chrono::seconds(1);
      if (drainDeadline && !finishDeadline) wake = std::min(wake, *drainDeadline);
      if (::poll(fds.data(), fds.size(), pollTimeout(wake)) < 0) {
        if (errno == EINTR) continue;
        throw Error::fromErrno("poll", errno);
      }
      if (fds[stopIx].revents) return markGone("the server is stopping");
      if (fds[peerIx].revents & (POLLIN | POLLHUP | POLLERR)) readPeer();
      if (inIx != SIZE_MAX && fds[inIx].revents) writeStdin();
      if (outIx != SIZE_MAX && fds[outIx].revents) readOutput(stdoutR, true);
      if (errIx != SIZE_MAX && fds[errIx].revents) readOutput(stderrR, false);
      closeStdinWhenDrained();
    }
  }
};

RemoteCommandSession::RemoteCommandSession(PeerSocket& peer, RemoteCommandChannels& channels,
                                           RemoteCommandStreams streams, int stopFd, SessionTimeouts timeouts)
    : peer_(peer), channels_(channels), streams_(streams), stopFd_(stopFd), timeouts_(timeouts) {}

void RemoteCommandSession::run(const RemoteCommandRunner& runner, ClientInput early) {
  Impl impl(*this);
  impl.start(runner);
  impl.take(early);
  impl.closeStdinWhenDrained();
  impl.loop();
}

}  // namespace crix::streaming

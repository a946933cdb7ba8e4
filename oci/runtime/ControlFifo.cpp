#include "oci/runtime/ControlFifo.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::oci {
namespace {

// A FIFO whose reader just left raises SIGPIPE on write; the daemon must get
// EPIPE instead, whatever its signal setup. Blocked for this thread only, and
// a SIGPIPE this write caused is taken off the pending set again.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe;
    ::sigemptyset(&pipe);
    ::sigaddset(&pipe, SIGPIPE);
    ::sigpending(&pendingBefore_);
    ::pthread_sigmask(SIG_BLOCK, &pipe, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pending;
    ::sigpending(&pending);
    if (::sigismember(&pending, SIGPIPE) && !::sigismember(&pendingBefore_, SIGPIPE)) {
      sigset_t pipe;
      ::sigemptyset(&pipe);
      ::sigaddset(&pipe, SIGPIPE);
      const timespec zero{0, 0};
      ::sigtimedwait(&pipe, nullptr, &zero);
    }
    ::pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t old_{}, pendingBefore_{};
};

// The FIFO crix-conmon answers a request on: made, and opened for reading
// (so crix-conmon's non-blocking open for writing succeeds), before the
// request is sent; removed whatever the outcome.
class AckFifo {
 public:
  explicit AckFifo(std::string path) : path_(std::move(path)) {
    ::unlink(path_.c_str());  // left by a daemon that died waiting
    if (::mkfifo(path_.c_str(), 0600) != 0) throw Error::fromErrno("mkfifo " + path_, errno);
    fd_.reset(::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
    if (!fd_) {
      const int err = errno;
      ::unlink(path_.c_str());
      throw Error::fromErrno("open " + path_, err);
    }
  }
  ~AckFifo() { ::unlink(path_.c_str()); }
  AckFifo(const AckFifo&) = delete;
  AckFifo& operator=(const AckFifo&) = delete;

  // The answer's line, or nullopt when none came by `deadline`. Until a
  // writer has opened the FIFO, poll reports nothing (no hang-up either).
  std::optional<std::string> awaitLine(std::chrono::steady_clock::time_point deadline) {
    std::string line;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_.get(), POLLIN, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(left.count()) + 1);
      if (ready < 0 && errno == EINTR) continue;
      if (ready < 0) throw Error::fromErrno("poll " + path_, errno);
      if (ready == 0) continue;
      char buf[64];
      const ssize_t n = ::read(fd_.get(), buf, sizeof buf);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n < 0) throw Error::fromErrno("read " + path_, errno);
      line.append(buf, static_cast<size_t>(n));
      if (const auto end = line.find('\n'); end != std::string::npos) return line.substr(0, end);
      if (n == 0 || line.size() > 32) return line;  // the writer left without a whole line
    }
  }

 private:
  std::string path_;
  UniqueFd fd_;
};

}  // namespace

void sendControl(const std::string& ctlFifo, int type, unsigned a, unsigned b) {
  // O_NONBLOCK: opening a FIFO without a reader would otherwise wait forever;
  // this way it fails with ENXIO instead.
  UniqueFd fd(::open(ctlFifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    const int err = errno;
    if (err == ENOENT)
      throw Error::notFound("control FIFO " + ctlFifo +
                            " does not exist: the container's monitor is gone");
    if (err == ENXIO)
      throw Error::failedPrecondition("control FIFO " + ctlFifo +
                                      " has no reader: the container's crix-conmon has exited");
    throw Error::fromErrno("open control FIFO " + ctlFifo, err);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw Error::fromErrno("stat " + ctlFifo, errno);
  if (!S_ISFIFO(st.st_mode)) throw Error::failedPrecondition(ctlFifo + " is not a FIFO");
  const std::string line =
      std::to_string(type) + " " + std::to_string(a) + " " + std::to_string(b) + "\n";
  // Shorter than PIPE_BUF: written whole or not at all.
  const SigpipeBlock noSigpipe;
  for (;;) {
    const ssize_t n = ::write(fd.get(), line.data(), line.size());
    if (n == static_cast<ssize_t>(line.size())) return;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN)
      throw Error::unavailable("control FIFO " + ctlFifo +
                               " is full: crix-conmon is not reading it");
    if (n < 0 && errno == EPIPE)
      throw Error::failedPrecondition("control FIFO " + ctlFifo +
                                      " has no reader: crix-conmon has exited");
    throw Error::fromErrno("write to control FIFO " + ctlFifo, n < 0 ? errno : EIO);
  }
}

void resizeTerminal(const std::string& ctlFifo, unsigned rows, unsigned columns) {
  sendControl(ctlFifo, 1, rows, columns);
}

void reopenLog(const std::string& ctlFifo, std::chrono::milliseconds wait) {
  // Unique among this daemon's requests in flight; the FIFO goes with the
  // request, so a restarted daemon reusing a token meets no stale answer.
  static std::atomic<unsigned> nextToken{1};
  unsigned token = nextToken.fetch_add(1);
  if (token == 0) token = nextToken.fetch_add(1);  // 0 asks for no answer
  AckFifo ack(ctlFifo + ".ack-" + std::to_string(token));
  sendControl(ctlFifo, 2, token, 0);
  const auto line = ack.awaitLine(std::chrono::steady_clock::now() + wait);
  if (!line)
    throw Error{StatusCode::DeadlineExceeded, "crix-conmon did not acknowledge the log reopen (" + ctlFifo +
                                                  ") within " + std::to_string(wait.count()) + " ms"};
  if (*line == "0") return;
  char* end = nullptr;
  const long err = std::strtol(line->c_str(), &end, 10);
  if (line->empty() || *end != '\0' || err <= 0)
    throw Error::internal("crix-conmon answered the log reopen with \"" + *line + "\"");
  throw Error::internal(std::string("crix-conmon could not reopen the container log: ") +
                        std::strerror(static_cast<int>(err)));
}

}  // namespace crix::oci

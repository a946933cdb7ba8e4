#include "oci/runtime/ControlFifo.h"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

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

void reopenLog(const std::string& ctlFifo) { sendControl(ctlFifo, 2, 0, 0); }

}  // namespace crix::oci

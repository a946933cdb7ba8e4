#include "cri/SignalWatcher.h"

#include <pthread.h>

#include <cerrno>

#include "core/Error.h"

namespace crix::cri {

SignalWatcher::SignalWatcher(std::initializer_list<int> signals) {
  sigemptyset(&watched_);
  for (int s : signals) sigaddset(&watched_, s);
  if (const int err = pthread_sigmask(SIG_BLOCK, &watched_, &previous_); err != 0)
    throw Error::fromErrno("blocking signals", err);
}

SignalWatcher::~SignalWatcher() { pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }

int SignalWatcher::wait() const {
  for (;;) {
    const int sig = sigwaitinfo(&watched_, nullptr);
    if (sig > 0) return sig;
    if (errno != EINTR) throw Error::fromErrno("waiting for signals", errno);
  }
}

}  // namespace crix::cri

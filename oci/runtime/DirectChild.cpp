#include "oci/runtime/DirectChild.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "core/Log.h"

namespace crix::oci {
namespace {

using Clock = std::chrono::steady_clock;
// Without a pidfd, how often an unfinished child is looked at.
constexpr std::chrono::milliseconds kPollInterval{20};

}  // namespace

void DirectChild::adopt(pid_t pid) {
  std::lock_guard lock(mutex_);
  pid_ = pid;
#ifdef SYS_pidfd_open
  // The child is not reaped yet, so `pid` cannot have been reused.
  const long fd = ::syscall(SYS_pidfd_open, pid, 0);
  if (fd >= 0) pidfd_.reset(static_cast<int>(fd));
#endif
}

DirectChild::~DirectChild() {
  if (pid_ > 0) killAndReap();
}

std::optional<int> DirectChild::reapNow() {
  if (status_ || pid_ <= 0) return status_;
  int status = 0;
  pid_t r;
  do {
    r = ::waitpid(pid_, &status, WNOHANG);
  } while (r < 0 && errno == EINTR);
  if (r == pid_) {
    status_ = status;
  } else if (r < 0) {
    // ECHILD: someone reaped it behind our back (a waitpid(-1) elsewhere);
    // it is gone either way, and its pid must not be signalled any more.
    log::error("waitpid(", pid_, "): child already reaped elsewhere");
    status_ = W_EXITCODE(255, 0);
  }
  return status_;
}

std::optional<int> DirectChild::wait(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + std::max(timeout, std::chrono::milliseconds(0));
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (pid_ <= 0) return std::nullopt;
      if (auto status = reapNow()) return status;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    if (pidfd_) {
      pollfd p{pidfd_.get(), POLLIN, 0};
      const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
      if (r < 0 && errno != EINTR) std::this_thread::sleep_for(kPollInterval);
    } else {
      std::this_thread::sleep_for(std::min<std::chrono::milliseconds>(left, kPollInterval));
    }
  }
}

void DirectChild::signal(int sig) {
  std::lock_guard lock(mutex_);
  if (pid_ <= 0 || reapNow()) return;
  ::kill(pid_, sig);
}

void DirectChild::killAndReap() {
  signal(SIGKILL);
  if (!wait(std::chrono::seconds(10))) log::error("child ", pid_, " did not die from SIGKILL within 10 s");
}

}  // namespace crix::oci

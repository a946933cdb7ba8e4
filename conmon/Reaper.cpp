#include "conmon/Reaper.h"

#include <sys/wait.h>
#include <time.h>

#include <cerrno>
#include <utility>

#include "conmon/Diag.h"
#include "conmon/Text.h"

namespace crix::conmon {

void Reaper::reapAll() {
  for (;;) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid < 0 && errno == EINTR) continue;
    if (pid <= 0) return;  // nothing more now, or no children at all
    diag::debug("reaped ", Decimal(pid), " exit code ", Decimal(exitCodeOf(status)));
    const ChildExit exit{pid, status, realtimeNanos()};
    if (pid == watched_) {
      watchedExit_ = exit;
      continue;
    }
    recent_[next_] = exit;
    next_ = (next_ + 1) % (sizeof recent_ / sizeof recent_[0]);
  }
}

std::optional<ChildExit> Reaper::take(pid_t pid) {
  if (watchedExit_ && watchedExit_->pid == pid) return std::exchange(watchedExit_, std::nullopt);
  for (ChildExit& e : recent_) {
    if (e.pid != pid || pid <= 0) continue;
    const ChildExit found = e;
    e.pid = 0;
    return found;
  }
  return std::nullopt;
}

int exitCodeOf(int waitStatus) {
  if (WIFEXITED(waitStatus)) return WEXITSTATUS(waitStatus);
  if (WIFSIGNALED(waitStatus)) return 128 + WTERMSIG(waitStatus);
  return -1;
}

int signalOf(int waitStatus) { return WIFSIGNALED(waitStatus) ? WTERMSIG(waitStatus) : 0; }

int64_t realtimeNanos() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace crix::conmon

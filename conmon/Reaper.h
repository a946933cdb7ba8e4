// Every child crix-conmon has, or inherits as a subreaper, is reaped here.
// Exit statuses are remembered for a while because a process can exit before
// crix-conmon learns its pid: an exec'd command may be done before the
// runtime has even written the pid file.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace crix::conmon {

struct ChildExit {
  pid_t pid = 0;
  int waitStatus = 0;
  int64_t reapedAtNanos = 0;  // CLOCK_REALTIME
};

class Reaper {
 public:
  // The exit of `pid` is kept however many other processes exit after it.
  void watch(pid_t pid) { watched_ = pid; }
  // Reaps whatever has exited, without blocking.
  void reapAll();
  // The exit of `pid` if it has been reaped (and forgets it).
  std::optional<ChildExit> take(pid_t pid);

 private:
  pid_t watched_ = 0;
  std::optional<ChildExit> watchedExit_;
  // Orphans of a host-pid-namespace container can come in any number; of
  // the others, only the most recent exits are kept.
  ChildExit recent_[32];
  size_t next_ = 0;
};

// The CRI exit code of a wait status: the exit status, or 128 + signal.
int exitCodeOf(int waitStatus);
// The terminating signal, or 0.
int signalOf(int waitStatus);
int64_t realtimeNanos();

}  // namespace crix::conmon

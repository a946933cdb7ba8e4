// A long-running child of the daemon (crix-conmon of a streaming exec) that
// is waited for by its own pid only: the daemon never reaps with
// waitpid(-1), so other children's exits are left to their owners. Safe to
// use from several threads: once reaped, the pid is never signalled again
// (it may belong to someone else by then).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <mutex>
#include <optional>

#include "core/UniqueFd.h"

namespace crix::oci {

class DirectChild {
 public:
  DirectChild() = default;
  // Takes over `pid`, a child of this process not reaped yet (once only).
  void adopt(pid_t pid);
  // SIGKILL and reap when still running.
  ~DirectChild();
  DirectChild(const DirectChild&) = delete;
  DirectChild& operator=(const DirectChild&) = delete;

  pid_t pid() const { return pid_; }
  // Waits up to `timeout` for the child to exit and reaps it; its wait
  // status, or nullopt when it is still running (or there is no child).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  // Sends `sig` unless the child has been reaped.
  void signal(int sig);
  // SIGKILL, then reap (bounded: a child that does not die is left as it is
  // after 10 s, with an error in the log).
  void killAndReap();

 private:
  std::optional<int> reapNow();  // callers hold mutex_

  pid_t pid_ = -1;
  UniqueFd pidfd_;  // readable once the child exited; absent on kernels < 5.3
  std::mutex mutex_;
  std::optional<int> status_;
};

}  // namespace crix::oci

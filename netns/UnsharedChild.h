// A child process in new network, IPC and/or UTS namespaces, held until the
// parent has pinned them. The daemon is multi-threaded, so the child does
// only system calls (no allocation, no locks) between fork and _exit.
#pragma once

#include <sys/types.h>

#include <string>

#include "core/UniqueFd.h"

namespace crix::netns {

class UnsharedChild {
 public:
  // cloneFlags: CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS (any of them).
  // In a new UTS namespace the hostname is set (unless empty); in a new
  // network namespace `lo` is brought up. Returns when the namespaces exist;
  // throws Internal naming `podId` and the failed step otherwise.
  UnsharedChild(int cloneFlags, const std::string& hostname, const std::string& podId);
  // Lets the child exit and reaps it (also when pinning failed).
  ~UnsharedChild();
  UnsharedChild(const UnsharedChild&) = delete;
  UnsharedChild& operator=(const UnsharedChild&) = delete;

  pid_t pid() const { return pid_; }
  // "/proc/<pid>/ns/<kind>"
  std::string namespacePath(const char* kind) const;

 private:
  pid_t pid_ = -1;
  UniqueFd release_;  // the child exits when this closes
};

}  // namespace crix::netns

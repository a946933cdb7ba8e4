// How crix-conmon tells the daemon what happened, always as one line of JSON:
//  - the sync fd, once: {"pid": N} when the runtime created the container (or
//    started the exec), {"error": "..."} when that failed; then it is closed.
//  - the exit file, written atomically when the process is over:
//    {"exit_code": N, "signal": S, "oom_killed": B, "finished_at_nanos": T}
//    with "timed_out" for an exec and "error" when something failed.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "core/UniqueFd.h"

namespace crix::conmon {

class SyncChannel {
 public:
  explicit SyncChannel(int fd) : fd_(fd) {}

  bool open() const { return static_cast<bool>(fd_); }
  void reportPid(pid_t pid);
  void reportError(std::string_view message);

 private:
  void send(const std::string& line);
  UniqueFd fd_;
};

// Best effort, for failures before anything ran: an exit file that only says
// what went wrong ({"exit_code": -1, "error": "..."}).
void reportFailureInExitFile(const std::string& path, std::string_view message);

// Writes `content` to `path` through a temporary file in the same directory,
// fsync and rename: a reader sees the whole file or none.
void writeFileAtomically(const std::string& path, std::string_view content);

}  // namespace crix::conmon

// Whether the kernel's OOM killer struck in the container's memory cgroup
// while crix-conmon watched it: the cgroup's oom_kill counter ("oom_kill N"
// in memory.oom_control on cgroup v1, in memory.events on v2) compared with
// its value when the container was created.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "core/UniqueFd.h"

namespace crix::conmon {

class OomCounter {
 public:
  OomCounter() = default;
  // The memory cgroup is `cgroupPath` when given (a directory under
  // /sys/fs/cgroup, or a cgroup path relative to the memory hierarchy, like
  // runc's cgroupsPath "/kubepods/pod1/ctr"), else found from
  // /proc/<pid>/cgroup. Without a readable counter, nothing is ever reported.
  static OomCounter watch(pid_t pid, const std::string& cgroupPath);

  bool killedSinceWatched() const;
  const std::string& counterFile() const { return file_; }

 private:
  std::optional<long long> read() const;

  std::string file_;
  UniqueFd fd_;
  long long baseline_ = 0;
};

// The "oom_kill N" value in the text of memory.oom_control or memory.events.
std::optional<long long> parseOomKillCount(std::string_view text);

}  // namespace crix::conmon

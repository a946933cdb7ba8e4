// Killing everything an exec started, for its timeout. The exec'd process's
// children are not crix-conmon's (they live in the container's pid
// namespace, whose init inherits them when their parent dies), so they are
// found in /proc: the process's descendants, and whoever holds the exec's
// output pipes or terminal (children whose parent already exited).
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <vector>

namespace crix::conmon {

struct FileIdentity {
  dev_t device;
  ino_t inode;
};

// The file an fd refers to, as /proc/<pid>/fd/<n> of any process shows it.
FileIdentity identityOf(int fd);
// The pid namespace of `pid` (its /proc/<pid>/ns/pid inode), or 0.
ino_t pidNamespaceOf(pid_t pid);

// Stops (SIGSTOP) `root`, its descendants and every process holding one of
// `heldFiles` with their descendants, looking again until no new one shows
// up, so none can fork out of reach; then kills them all (SIGKILL). Only
// processes in pid namespace `pidNamespace` are considered when it is not 0.
// Returns how many processes were killed.
size_t killProcessTree(pid_t root, const std::vector<FileIdentity>& heldFiles, ino_t pidNamespace);

}  // namespace crix::conmon

// Bind mounts of namespace files (nsfs) and the directory that holds them.
#pragma once

#include <sys/types.h>

#include <string>

namespace crix::netns {

// Makes `dir` a mount point of its own with shared propagation, as
// `ip netns add` does for /run/netns: mount namespaces copied from the
// node's later (a container's rslave /run, a service's private /tmp) receive
// the unmounts of released pins instead of keeping those namespaces alive.
// Idempotent: a directory that is already a mount point is not bound again.
void makeSharedMountPoint(const std::string& dir);

// Creates `target` (an empty file; EEXIST is an error) and bind-mounts
// `nsPath` (/proc/PID/ns/KIND) on it. On failure nothing is left. `what`
// names the step for the error message.
void pinNamespace(const std::string& nsPath, const std::string& target, const std::string& what);

// Unmounts (lazily: a process may be entering it) and removes `target`.
// Missing or not mounted is fine. Throws Internal on other failures.
void unpinNamespace(const std::string& target);

// Whether `path` is a mounted namespace file (on nsfs).
bool isPinnedNamespace(const std::string& path);

// The nsfs inode of a namespace file (pinned or /proc/PID/ns/KIND); 0 when
// it cannot be read.
ino_t namespaceInode(const std::string& path);

}  // namespace crix::netns

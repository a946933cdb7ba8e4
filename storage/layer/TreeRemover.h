// Removes a directory tree without ever following a symlink: recursion goes
// through directory fds opened O_NOFOLLOW, so a symlink inside the tree (or
// one swapped in while we work) is unlinked, never descended into. Layer
// trees contain whatever a hostile image put there, so `rm -rf` semantics via
// path strings are not good enough.
#pragma once

#include <string>

namespace crix::layer {

// Removes `name` inside the directory `parentFd`, recursively if it is a
// directory. Directories without write or search permission are made
// writable first (read-only layer dirs must not make a layer unremovable).
// A missing `name` is not an error. Throws crix::Error on failure.
void removeTreeAt(int parentFd, const std::string& name);

// Same for a path; its last component is not followed if it is a symlink.
void removeTree(const std::string& path);

// Renames the directory `path` to a fresh `<doomedPrefix>XXXXXX` (mkdtemp's
// template; renaming onto the new empty directory replaces it) and returns
// that name: the tree leaves its owner's sight in one step, and the slow
// removeTree() can run later, outside any lock. Throws crix::Error.
std::string moveAside(const std::string& path, const std::string& doomedPrefix);

}  // namespace crix::layer

// Sets an entry's owner, mode, xattrs and times on a node just created in the
// layer, with calls that cannot follow a symlink: fd-based ones for nodes we
// hold open, *at(..., AT_SYMLINK_NOFOLLOW) relative to the parent for those
// we must not open (symlinks, devices, fifos). A path-based chmod/chown/
// utimes/setxattr on a symlink entry would modify whatever it points to on
// the host.
//
// Order matters and is the caller's: data first, then owner (chown clears
// setuid/setgid and security.capability), then mode, then xattrs, then times
// (every other change bumps mtime).
#pragma once

#include <ctime>

#include "storage/layer/LayerEntry.h"

namespace crix::layer {

struct NodeRef {
  int fd = -1;                 // an open, non-O_PATH fd of the node, or -1
  int parentFd = -1;           // otherwise: the directory holding it...
  const char* name = nullptr;  // ...and its single-component name there
};

void setOwner(const NodeRef& node, const LayerEntry& entry);
// Not for symlinks: Linux ignores their mode.
void setMode(const NodeRef& node, const LayerEntry& entry, mode_t mode);
void setXattrs(const NodeRef& node, const LayerEntry& entry);
void setTimes(const NodeRef& node, const LayerEntry& entry, const timespec& atime, const timespec& mtime);

}  // namespace crix::layer

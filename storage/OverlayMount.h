// Mounting and unmounting the overlay filesystem that is a container's root.
//
// Overlay takes its whole configuration in one mount data string, limited to
// one page (4096 bytes): 30 lower layers named by absolute
// <root>/storage/layers/<64 hex> paths already overflow it. So the lower,
// upper and work directories are given relative to `workingDir`, and the
// mount runs on a helper thread that has its own working directory
// (unshare(CLONE_FS)): a chdir on a daemon thread would move every thread.
// With short relative names ("l/12") even overlay's maximum of 500 lower
// layers fits.
#pragma once

#include <string>
#include <vector>

namespace crix::storage {

struct OverlaySpec {
  std::string workingDir;              // absolute; the names below are relative to it (or absolute)
  std::vector<std::string> lowerDirs;  // top layer first, as overlay wants them; at least one
  std::string upperDir;
  std::string workDir;                 // on the same filesystem as upperDir, empty
  std::string target;                  // absolute mount point
};

// The mount data for `spec`: lowerdir/upperdir/workdir plus index=off,
// redirect_dir=off and metacopy=off. Those features record inode and
// redirect information of one particular lower stack (in the upper dir or
// an index), which is what prevents a lower layer from being shared by
// other stacks and remounted freely; containers/storage leaves them off for
// the same reason.
std::string overlayMountData(const OverlaySpec& spec);

// Mounts. Throws InvalidArgument when the mount data would exceed a page,
// Internal with the kernel's errno otherwise.
void mountOverlay(const OverlaySpec& spec);

// Unmounts `target` if it is a mount point; a plain directory or a missing
// path is not an error. A busy mount (a process still has a file open or its
// cwd inside) is detached lazily (MNT_DETACH) and logged: it disappears from
// the tree now and the kernel frees it when the last user lets go.
void unmountOverlay(const std::string& target);

// Whether `path` is the root of a mount (false if it does not exist).
bool isMountPoint(const std::string& path);

}  // namespace crix::storage

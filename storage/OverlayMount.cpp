#include "storage/OverlayMount.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <thread>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::storage {

namespace {

// The kernel copies mount data into one page, terminating NUL included.
size_t mountDataLimit() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)) - 1; }

// Runs `body` (which returns 0 or an errno) on a fresh thread whose working
// directory is `dir`, leaving every other thread's where it was.
int inWorkingDirectory(const std::string& dir, const std::function<int()>& body) {
  int result = 0;
  std::thread helper([&] {
    // The new thread shares the process's fs_struct until it unshares it.
    if (::unshare(CLONE_FS) != 0 || ::chdir(dir.c_str()) != 0) {
      result = errno;
      return;
    }
    result = body();
  });
  helper.join();
  return result;
}

}  // namespace

std::string overlayMountData(const OverlaySpec& spec) {
  if (spec.lowerDirs.empty()) throw Error::invalidArgument("overlay mount of " + spec.target + ": no lower directory");
  std::string data = "lowerdir=";
  for (size_t i = 0; i < spec.lowerDirs.size(); ++i) {
    if (i) data += ':';
    data += spec.lowerDirs[i];
  }
  data += ",upperdir=" + spec.upperDir + ",workdir=" + spec.workDir;
  data += ",index=off,redirect_dir=off,metacopy=off";
  return data;
}

void mountOverlay(const OverlaySpec& spec) {
  const std::string data = overlayMountData(spec);
  if (data.size() > mountDataLimit())
    throw Error::invalidArgument("overlay mount of " + spec.target + ": options for " +
                                 std::to_string(spec.lowerDirs.size()) + " layers take " +
                                 std::to_string(data.size()) + " bytes, more than the kernel's " +
                                 std::to_string(mountDataLimit()));
  const int err = inWorkingDirectory(spec.workingDir, [&] {
    return ::mount("overlay", spec.target.c_str(), "overlay", 0, data.c_str()) == 0 ? 0 : errno;
  });
  if (err != 0)
    throw Error::fromErrno("mount overlay on " + spec.target + " (in " + spec.workingDir + ", " + data +
                               "; the kernel log may say more)",
                           err);
  log::debug("mounted overlay on ", spec.target, " with ", spec.lowerDirs.size(), " lower layers");
}

bool isMountPoint(const std::string& path) {
  struct statx st {};
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return false;
    throw Error::fromErrno("statx " + path, errno);
  }
  if (st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) return (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
  // Kernels before 5.8: a mount of another filesystem shows in the device.
  struct stat self {}, parent {};
  if (::lstat(path.c_str(), &self) != 0) throw Error::fromErrno("stat " + path, errno);
  if (::stat((path + "/..").c_str(), &parent) != 0) throw Error::fromErrno("stat " + path + "/..", errno);
  return self.st_dev != parent.st_dev;
}

void unmountOverlay(const std::string& target) {
  // Two mounts may be stacked on one target (a remount raced with another);
  // each round takes the top one off. The bound only stops a pathological loop.
  for (int round = 0; round < 16 && isMountPoint(target); ++round) {
    if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) {
      log::debug("unmounted ", target);
      continue;
    }
    const int err = errno;
    if (err == EINVAL || err == ENOENT) continue;  // raced with another unmount
    if (err != EBUSY) throw Error::fromErrno("unmount " + target, err);
    log::warn("unmount ", target, ": still in use, detaching it lazily");
    if (::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) != 0 && errno != EINVAL)
      throw Error::fromErrno("detach " + target, errno);
  }
  if (isMountPoint(target)) throw Error::internal("unmount " + target + ": still mounted after 16 unmounts");
}

}  // namespace crix::storage

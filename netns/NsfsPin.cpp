#include "netns/NsfsPin.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"

namespace crix::netns {

namespace {

// linux/magic.h's NSFS_MAGIC, spelled out to keep kernel headers out.
constexpr long kNsfsMagic = 0x6e736673;

}  // namespace

void makeSharedMountPoint(const std::string& dir) {
  if (::mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr) == 0) return;
  // EINVAL: not a mount point yet. Not recursive: a bind of the directory
  // must not duplicate pins that may already be below it.
  if (errno != EINVAL) throw Error::fromErrno("make " + dir + " a shared mount", errno);
  if (::mount(dir.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0)
    throw Error::fromErrno("bind-mount " + dir + " on itself", errno);
  if (::mount(nullptr, dir.c_str(), nullptr, MS_SHARED, nullptr) != 0) {
    const int err = errno;
    ::umount2(dir.c_str(), MNT_DETACH);
    throw Error::fromErrno("make " + dir + " a shared mount", err);
  }
}

void pinNamespace(const std::string& nsPath, const std::string& target, const std::string& what) {
  const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
  if (fd < 0) throw Error::fromErrno(what + ": create " + target, errno);
  ::close(fd);
  if (::mount(nsPath.c_str(), target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    const int err = errno;
    ::unlink(target.c_str());
    throw Error::fromErrno(what + ": bind-mount " + nsPath + " on " + target, err);
  }
}

void unpinNamespace(const std::string& target) {
  // A file pinned twice (never by crix, but by hand) has stacked mounts.
  for (int i = 0; i < 16; ++i) {
    if (::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) continue;
    if (errno == EINVAL || errno == ENOENT) break;
    throw Error::fromErrno("unmount the namespace pinned at " + target, errno);
  }
  if (::unlink(target.c_str()) != 0 && errno != ENOENT)
    throw Error::fromErrno("remove " + target, errno);
}

bool isPinnedNamespace(const std::string& path) {
  struct statfs fs {};
  return ::statfs(path.c_str(), &fs) == 0 && static_cast<long>(fs.f_type) == kNsfsMagic;
}

ino_t namespaceInode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

}  // namespace crix::netns

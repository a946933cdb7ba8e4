#include "cri/sandbox/ShmMount.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <utility>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/sandbox/Quantity.h"

namespace crix::sandbox {

uint64_t parseShmSize(const std::string& q) {
  if (const auto bytes = parsePositiveQuantity(q)) return *bytes;
  throw Error::invalidArgument("annotation " + std::string(kShmSizeAnnotation) + ": \"" + q +
                               "\" is not a positive size (e.g. 64Mi, 1G, 65536)");
}

bool ShmMount::isMounted(const std::string& path) {
  struct stat self {}, parent {};
  if (::stat(path.c_str(), &self) != 0) return false;
  if (::stat((path + "/..").c_str(), &parent) != 0) return false;
  return self.st_dev != parent.st_dev || self.st_ino == parent.st_ino;
}

ShmMount::ShmMount(const std::string& path, uint64_t sizeBytes) {
  if (::mkdir(path.c_str(), 0700) != 0 && errno != EEXIST)
    throw Error::fromErrno("create the pod's shm directory " + path, errno);
  if (isMounted(path)) throw Error::alreadyExists("the pod's shm " + path + " is mounted already");
  const std::string options = "mode=1777,size=" + std::to_string(sizeBytes);
  if (::mount("shm", path.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, options.c_str()) != 0)
    throw Error::fromErrno("mount the pod's shm tmpfs (" + options + ") on " + path, errno);
  path_ = path;
}

ShmMount::~ShmMount() {
  if (path_.empty()) return;
  try {
    unmount(path_);
  } catch (const Error& e) {
    log::error(e.what());
  }
}

ShmMount::ShmMount(ShmMount&& other) noexcept : path_(std::exchange(other.path_, {})) {}

ShmMount& ShmMount::operator=(ShmMount&& other) noexcept {
  if (this != &other) {
    ShmMount old(std::move(*this));
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

std::string ShmMount::release() { return std::exchange(path_, {}); }

void ShmMount::unmount(const std::string& path) {
  // Stacked mounts (a mount repeated by hand) come off one by one.
  for (int i = 0; i < 16 && isMounted(path); ++i) {
    if (::umount2(path.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) continue;
    if (errno == EINVAL || errno == ENOENT) return;
    throw Error::fromErrno("unmount the pod's shm " + path, errno);
  }
}

}  // namespace crix::sandbox

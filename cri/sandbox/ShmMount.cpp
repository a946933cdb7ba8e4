#include "cri/sandbox/ShmMount.h"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::sandbox {

uint64_t parseShmSize(const std::string& q) {
  auto bad = [&]() -> uint64_t {
    throw Error::invalidArgument("annotation " + std::string(kShmSizeAnnotation) + ": \"" + q +
                                 "\" is not a positive size (e.g. 64Mi, 1G, 65536)");
  };
  size_t i = 0;
  while (i < q.size() && ((q[i] >= '0' && q[i] <= '9') || q[i] == '.')) ++i;
  const std::string number = q.substr(0, i);
  const std::string suffix = q.substr(i);
  if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return bad();
  long double value = std::strtold(number.c_str(), nullptr);
  long double scale = 1;
  static const std::pair<const char*, long double> kSuffixes[] = {
      {"", 1},         {"k", 1e3L},     {"M", 1e6L},     {"G", 1e9L},     {"T", 1e12L},
      {"P", 1e15L},    {"E", 1e18L},    {"Ki", 0x1p10L}, {"Mi", 0x1p20L}, {"Gi", 0x1p30L},
      {"Ti", 0x1p40L}, {"Pi", 0x1p50L}, {"Ei", 0x1p60L},
  };
  bool known = false;
  for (const auto& [name, factor] : kSuffixes)
    if (suffix == name) known = true, scale = factor;
  if (!known) {
    // Decimal exponent: 1e6, 5E3.
    if (suffix.size() < 2 || (suffix[0] != 'e' && suffix[0] != 'E')) return bad();
    for (size_t k = 1; k < suffix.size(); ++k)
      if (suffix[k] < '0' || suffix[k] > '9') return bad();
    if (suffix.size() > 4) return bad();
    scale = std::pow(10.0L, std::strtold(suffix.c_str() + 1, nullptr));
  }
  const long double bytes = std::ceil(value * scale);
  if (!(bytes >= 1) || bytes > 0x1p63L) return bad();
  return static_cast<uint64_t>(bytes);
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

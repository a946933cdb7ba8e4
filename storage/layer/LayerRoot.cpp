#include "storage/layer/LayerRoot.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"

namespace crix::layer {

namespace {

constexpr unsigned long long kResolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;

Error resolveError(int err, std::string_view subject, const std::string& dir) {
  const std::string entry(subject);
  switch (err) {
    case ELOOP:
      return Error::invalidArgument(entry + ": \"" + dir +
                                    "\" crosses a symlink; nothing in a layer is reached through a symlink");
    case EXDEV: return Error::invalidArgument(entry + ": path escapes the layer");
    case ENOTDIR: return Error::invalidArgument(entry + ": \"" + dir + "\" is not a directory");
    case ENOSYS:
      return Error::unimplemented("openat2 is unavailable; crix needs Linux 5.6 or later to unpack layers");
    default: return Error::fromErrno(entry + ": open parent \"" + dir + "\"", err);
  }
}

}  // namespace

int openat2Beneath(int dirFd, const char* path, int flags) {
  open_how how{};
  how.flags = static_cast<unsigned long long>(flags | O_CLOEXEC);
  how.resolve = kResolve;
  // EAGAIN: a rename somewhere on the system raced the lookup; retry a few times.
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dirFd, path, &how, sizeof how);
    if (fd >= 0) return static_cast<int>(fd);
    if (errno == EINTR || (errno == EAGAIN && attempt < 16)) continue;
    return -errno;
  }
}

LayerRoot::LayerRoot(UniqueFd rootFd) : root_(std::move(rootFd)) {}

int LayerRoot::openBeneath(const std::string& path, int flags) const {
  return openat2Beneath(root_.get(), path.empty() ? "." : path.c_str(), flags);
}

void LayerRoot::forgetCachedDir() {
  cachedPath_.clear();
  cachedFd_.reset();
}

void LayerRoot::removed(const std::string& path) {
  if (!cachedFd_) return;
  if (path.empty() || cachedPath_ == path ||
      (cachedPath_.size() > path.size() && cachedPath_.compare(0, path.size(), path) == 0 &&
       cachedPath_[path.size()] == '/'))
    forgetCachedDir();
}

UniqueFd LayerRoot::findDir(const std::string& dir, std::string_view subject) {
  const int fd = openBeneath(dir, O_PATH | O_DIRECTORY);
  if (fd == -ENOENT) return {};
  if (fd < 0) throw resolveError(-fd, subject, dir);
  return UniqueFd(fd);
}

int LayerRoot::parentDir(const std::string& dir, std::string_view subject) {
  if (dir.empty()) return root_.get();
  if (cachedFd_ && cachedPath_ == dir) return cachedFd_.get();
  forgetCachedDir();
  UniqueFd fd = findDir(dir, subject);
  if (!fd) fd = createDirs(dir, subject);
  cachedFd_ = std::move(fd);
  cachedPath_ = dir;
  return cachedFd_.get();
}

UniqueFd LayerRoot::createDirs(const std::string& dir, std::string_view subject) {
  UniqueFd current;
  int at = root_.get();
  std::string walked;
  size_t pos = 0;
  while (pos < dir.size()) {
    size_t slash = dir.find('/', pos);
    if (slash == std::string::npos) slash = dir.size();
    const std::string part = dir.substr(pos, slash - pos);
    pos = slash + 1;
    walked += (walked.empty() ? "" : "/") + part;

    int fd = openat2Beneath(at, part.c_str(), O_PATH | O_DIRECTORY);
    if (fd == -ENOENT) {
      if (::mkdirat(at, part.c_str(), 0700) != 0 && errno != EEXIST)
        throw Error::fromErrno(std::string(subject) + ": create directory \"" + walked + "\"", errno);
      fd = openat2Beneath(at, part.c_str(), O_RDONLY | O_DIRECTORY);
      if (fd < 0) throw resolveError(-fd, subject, walked);
      current.reset(fd);
      // Set the mode explicitly: the daemon's umask must not decide it.
      if (::fchmod(fd, 0755) != 0)
        throw Error::fromErrno(std::string(subject) + ": chmod \"" + walked + "\"", errno);
    } else {
      if (fd < 0) throw resolveError(-fd, subject, walked);
      current.reset(fd);
    }
    at = current.get();
  }
  return current;
}

}  // namespace crix::layer

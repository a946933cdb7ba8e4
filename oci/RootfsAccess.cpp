#include "oci/RootfsAccess.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <vector>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::oci {
namespace {

// glibc 2.36 has no wrapper for openat2.
int openat2Call(int dirfd, const std::string& path, std::uint64_t flags, std::uint64_t resolve) {
  open_how how{};
  how.flags = flags;
  how.resolve = resolve;
  int fd;
  do {
    fd = static_cast<int>(::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof how));
  } while (fd < 0 && errno == EINTR);
  return fd;
}

constexpr std::uint64_t kResolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;

UniqueFd openRoot(const std::string& root) {
  UniqueFd fd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error::fromErrno("open container rootfs " + root, errno);
  return fd;
}

std::string relative(const std::string& path) {
  std::size_t i = 0;
  while (i < path.size() && path[i] == '/') ++i;
  return i == path.size() ? std::string(".") : path.substr(i);
}

std::vector<std::string> components(const std::string& path) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos <= path.size()) {
    auto end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    std::string part = path.substr(pos, end - pos);
    if (!part.empty() && part != ".") out.push_back(std::move(part));
    pos = end + 1;
  }
  return out;
}

}  // namespace

std::optional<std::string> readFileInRoot(const std::string& root, const std::string& path,
                                          std::size_t maxBytes) {
  const UniqueFd rootFd = openRoot(root);
  // O_PATH first: opening a FIFO or a device for reading could block or act.
  UniqueFd pathFd(openat2Call(rootFd.get(), relative(path), O_PATH | O_CLOEXEC, kResolve));
  if (!pathFd) {
    if (errno == ENOENT || errno == ENOTDIR) return std::nullopt;
    throw Error::fromErrno("resolve " + path + " in " + root, errno);
  }
  struct stat st {};
  if (::fstat(pathFd.get(), &st) != 0) throw Error::fromErrno("stat " + path, errno);
  if (!S_ISREG(st.st_mode)) {
    throw Error::failedPrecondition(path + " in the container image is not a regular file");
  }
  if (static_cast<std::size_t>(st.st_size) > maxBytes) {
    throw Error::failedPrecondition(path + " in the container image is larger than " +
                                    std::to_string(maxBytes) + " bytes");
  }
  const std::string procPath = "/proc/self/fd/" + std::to_string(pathFd.get());
  UniqueFd fd(::open(procPath.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw Error::fromErrno("open " + path + " in " + root, errno);

  std::string content;
  char buf[8192];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::fromErrno("read " + path + " in " + root, errno);
    if (n == 0) break;
    content.append(buf, static_cast<std::size_t>(n));
    if (content.size() > maxBytes) {
      throw Error::failedPrecondition(path + " in the container image grew past " +
                                      std::to_string(maxBytes) + " bytes while being read");
    }
  }
  return content;
}

void makeDirectoriesInRoot(const std::string& root, const std::string& path, mode_t mode,
                           std::optional<Ownership> owner) {
  // Walked one component at a time from directory fds, never following a
  // link in the kernel: a symlink is read and its target spliced into the
  // remaining path, with "/" meaning the rootfs and ".." stopping there, so
  // a missing link target is created inside the rootfs (as CRI-O's securejoin
  // does) and nothing outside is ever touched.
  std::vector<UniqueFd> stack;
  stack.push_back(openRoot(root));
  std::vector<std::string> todo = components(path);
  std::reverse(todo.begin(), todo.end());  // back() is the next component
  int links = 0;
  std::string walked;  // for messages
  while (!todo.empty()) {
    const std::string part = todo.back();
    todo.pop_back();
    if (part == "..") {
      if (stack.size() > 1) stack.pop_back();
      continue;
    }
    const int parent = stack.back().get();
    walked += "/" + part;
    struct stat st {};
    if (::fstatat(parent, part.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno != ENOENT) throw Error::fromErrno("stat " + walked + " in " + root, errno);
      if (::mkdirat(parent, part.c_str(), mode) != 0) {
        throw Error::fromErrno("mkdir " + walked + " in " + root, errno);
      }
      if (owner &&
          ::fchownat(parent, part.c_str(), owner->uid, owner->gid, AT_SYMLINK_NOFOLLOW) != 0) {
        throw Error::fromErrno("chown " + walked + " in " + root, errno);
      }
    } else if (S_ISLNK(st.st_mode)) {
      if (++links > 40) {
        throw Error::failedPrecondition("too many symlinks below " + root + " resolving " + path);
      }
      std::string target(PATH_MAX, '\0');
      const ssize_t n = ::readlinkat(parent, part.c_str(), target.data(), target.size());
      if (n < 0) throw Error::fromErrno("readlink " + walked + " in " + root, errno);
      target.resize(static_cast<std::size_t>(n));
      if (!target.empty() && target.front() == '/') stack.resize(1);
      auto more = components(target);
      todo.insert(todo.end(), more.rbegin(), more.rend());
      continue;
    } else if (!S_ISDIR(st.st_mode)) {
      throw Error::failedPrecondition("cannot create directory " + path + " in the container: " +
                                      walked + " exists and is not a directory");
    }
    // O_NOFOLLOW: if the entry was swapped for a link since the stat, fail.
    UniqueFd fd(::openat(parent, part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) throw Error::fromErrno("open " + walked + " in " + root, errno);
    stack.push_back(std::move(fd));
  }
}

}  // namespace crix::oci

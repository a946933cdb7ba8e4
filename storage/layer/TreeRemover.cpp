#include "storage/layer/TreeRemover.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::layer {

namespace {

constexpr int kMaxPasses = 4;

UniqueFd openDirNoFollow(int parentFd, const std::string& name) {
  const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::openat(parentFd, name.c_str(), flags);
  if (fd < 0 && errno == EACCES) {
    // Not readable (we may run without CAP_DAC_OVERRIDE): make it ours to empty.
    if (::fchmodat(parentFd, name.c_str(), 0700, AT_SYMLINK_NOFOLLOW) == 0)
      fd = ::openat(parentFd, name.c_str(), flags);
  }
  if (fd < 0) throw Error::fromErrno("remove tree: open directory " + name, errno);
  return UniqueFd(fd);
}

void removeContents(int dirFd, const std::string& where);
void removeNode(int parentFd, const std::string& name, const std::string& where);

// Unlinks one entry of `dirFd`, recursing when it is a directory.
void removeEntry(int dirFd, const char* name, const std::string& where) {
  if (::unlinkat(dirFd, name, 0) == 0 || errno == ENOENT) return;
  if (errno == EISDIR) {
    removeNode(dirFd, name, where + "/" + name);
    return;
  }
  if (errno == EACCES || errno == EPERM) {
    // The directory itself may be read-only; fix it and retry once.
    if (::fchmod(dirFd, 0700) == 0 && (::unlinkat(dirFd, name, 0) == 0 || errno == ENOENT)) return;
  }
  throw Error::fromErrno("remove tree: unlink " + where + "/" + name, errno);
}

void removeContents(int dirFd, const std::string& where) {
  // Entries unlinked while a directory stream is open may or may not still be
  // listed, so sweep until a pass finds nothing.
  for (int pass = 0; pass < kMaxPasses; ++pass) {
    const int streamFd = ::dup(dirFd);
    if (streamFd < 0) throw Error::fromErrno("remove tree: dup", errno);
    DIR* dir = ::fdopendir(streamFd);
    if (!dir) {
      const int err = errno;
      ::close(streamFd);
      throw Error::fromErrno("remove tree: read directory " + where, err);
    }
    ::rewinddir(dir);
    bool removedAny = false;
    try {
      while (dirent* ent = ::readdir(dir)) {
        if (std::strcmp(ent->d_name, ".") == 0 || std::strcmp(ent->d_name, "..") == 0) continue;
        removeEntry(dirFd, ent->d_name, where);
        removedAny = true;
      }
    } catch (...) {
      ::closedir(dir);
      throw;
    }
    ::closedir(dir);
    if (!removedAny) return;
  }
}

// `where` names the node in messages.
void removeNode(int parentFd, const std::string& name, const std::string& where) {
  struct stat st;
  if (::fstatat(parentFd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw Error::fromErrno("remove tree: stat " + where, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(parentFd, name.c_str(), 0) != 0 && errno != ENOENT)
      throw Error::fromErrno("remove tree: unlink " + where, errno);
    return;
  }
  {
    const UniqueFd dir = openDirNoFollow(parentFd, name);
    if ((st.st_mode & 0700) != 0700) ::fchmod(dir.get(), 0700);
    removeContents(dir.get(), where);
  }
  if (::unlinkat(parentFd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    throw Error::fromErrno("remove tree: remove directory " + where, errno);
}

}  // namespace

void removeTreeAt(int parentFd, const std::string& name) { removeNode(parentFd, name, name); }

void removeTree(const std::string& path) {
  std::string trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  if (trimmed.empty() || trimmed == "/" || trimmed == "." || trimmed == "..")
    throw Error::invalidArgument("remove tree: refusing to remove \"" + path + "\"");
  const auto slash = trimmed.rfind('/');
  const std::string parent = slash == std::string::npos ? "." : (slash == 0 ? "/" : trimmed.substr(0, slash));
  const std::string name = slash == std::string::npos ? trimmed : trimmed.substr(slash + 1);
  if (name == "." || name == "..")
    throw Error::invalidArgument("remove tree: refusing to remove \"" + path + "\"");
  const int parentFd = ::open(parent.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (parentFd < 0) {
    if (errno == ENOENT) return;
    throw Error::fromErrno("remove tree: open " + parent, errno);
  }
  const UniqueFd parentGuard(parentFd);
  removeNode(parentFd, name, trimmed);
}

std::string moveAside(const std::string& path, const std::string& doomedPrefix) {
  std::string doomed = doomedPrefix + "XXXXXX";
  if (!::mkdtemp(doomed.data())) throw Error::fromErrno("create directory " + doomed, errno);
  if (::rename(path.c_str(), doomed.c_str()) != 0) {
    const int err = errno;
    ::rmdir(doomed.c_str());
    throw Error::fromErrno("rename " + path + " to " + doomed, err);
  }
  return doomed;
}

}  // namespace crix::layer

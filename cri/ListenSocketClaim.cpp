#include "cri/ListenSocketClaim.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {
namespace {

// True when a process accepts connections on the socket at `path`.
bool socketIsLive(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw Error::fromErrno("socket", errno);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace

ListenSocketClaim::ListenSocketClaim(std::string socketPath) : path_(std::move(socketPath)) {
  if (path_.empty() || path_.front() != '/')
    throw Error::invalidArgument("listen socket must be an absolute path, got \"" + path_ + "\"");
  if (path_.size() >= sizeof(sockaddr_un{}.sun_path))
    throw Error::invalidArgument("listen socket path is too long for a unix socket: " + path_);

  makeDirectories(std::filesystem::path(path_).parent_path());

  const std::string lockPath = path_ + ".lock";
  lock_.reset(::open(lockPath.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock_) throw Error::fromErrno("opening " + lockPath, errno);
  if (::flock(lock_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      throw Error::failedPrecondition("another crix daemon is already serving " + path_ +
                                      " (it holds " + lockPath + ")");
    throw Error::fromErrno("locking " + lockPath, errno);
  }

  struct stat st {};
  if (::lstat(path_.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode))
      throw Error::failedPrecondition(path_ + " exists and is not a socket; refusing to replace it");
    if (socketIsLive(path_))
      throw Error::failedPrecondition("another process is already listening on " + path_);
    if (::unlink(path_.c_str()) != 0) throw Error::fromErrno("removing stale socket " + path_, errno);
    log::info("removed stale socket ", path_);
  } else if (errno != ENOENT) {
    throw Error::fromErrno("inspecting " + path_, errno);
  }
}

ListenSocketClaim::~ListenSocketClaim() {
  // Only remove the socket while we still hold the lock: it is ours.
  if (lock_ && ::unlink(path_.c_str()) != 0 && errno != ENOENT)
    log::warn("removing socket ", path_, ": ", std::strerror(errno));
}

void ListenSocketClaim::restrictMode() const {
  if (::chmod(path_.c_str(), 0660) != 0) throw Error::fromErrno("chmod " + path_, errno);
}

}  // namespace crix::cri

#include "contrib/crixctl/FdIo.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"

namespace crixctl {

void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      struct pollfd wait = {fd, POLLOUT, 0};
      ::poll(&wait, 1, -1);
      continue;
    }
    if (n < 0 && errno == EPIPE) throw crix::Error::unavailable("output closed by its reader");
    throw crix::Error::fromErrno("writing output", n < 0 ? errno : EIO);
  }
}

void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
    throw crix::Error::fromErrno("making a descriptor nonblocking", errno);
}

}  // namespace crixctl

#include "oci/runtime/AttachSocket.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/Error.h"

namespace crix::oci {
namespace {

using Clock = std::chrono::steady_clock;

// crix-conmon's packets are at most 8193 bytes; anything longer than this is
// not from crix-conmon.
constexpr std::size_t kReceiveBuffer = 64 * 1024;

}  // namespace

UniqueFd connectAttachSocket(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  if (name.empty()) throw Error::invalidArgument("attach socket path " + path + " names no socket");
  UniqueFd dirFd(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dirFd) {
    const int err = errno;
    if (err == ENOENT) throw Error::notFound("attach socket directory " + dir + " does not exist");
    throw Error::fromErrno("open the attach socket's directory " + dir, err);
  }

  // Short whatever the directory's length: the kernel resolves the rest.
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string shortPath = "/proc/self/fd/" + std::to_string(dirFd.get()) + "/" + name;
  if (shortPath.size() >= sizeof addr.sun_path)
    throw Error::invalidArgument("attach socket name too long: " + name);
  std::memcpy(addr.sun_path, shortPath.c_str(), shortPath.size() + 1);

  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) throw Error::fromErrno("attach socket", errno);
  int rc;
  do {
    rc = ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0) {
    const int err = errno;
    if (err == ENOENT) throw Error::notFound("attach socket " + path + " does not exist: the monitor is gone");
    if (err == ECONNREFUSED)
      throw Error::unavailable("attach socket " + path + " refused the connection: the monitor is gone");
    throw Error::fromErrno("connect to the attach socket " + path, err);
  }
  return fd;
}

void sendAttachInput(int fd, std::string_view input) {
  while (!input.empty()) {
    const std::size_t size = std::min(input.size(), kMaxAttachInputPacket);
    const ssize_t n = ::send(fd, input.data(), size, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      if (err == EPIPE || err == ECONNRESET || err == ENOTCONN)
        throw Error::failedPrecondition("attach socket closed: the process's input is gone");
      throw Error::fromErrno("send to the attach socket", err);
    }
    // A SOCK_SEQPACKET send is all or nothing.
    input.remove_prefix(static_cast<std::size_t>(n));
  }
}

void closeAttachInput(int fd) {
  if (::shutdown(fd, SHUT_WR) != 0 && errno != ENOTCONN)
    throw Error::fromErrno("shut down the attach socket's input", errno);
}

std::optional<AttachPacket> receiveAttachPacket(int fd, std::chrono::milliseconds timeout) {
  const bool bounded = timeout.count() >= 0;
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    int waitMs = -1;
    if (bounded) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      waitMs = static_cast<int>(std::clamp<long long>(left.count(), 0, 1 << 30));
    }
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, waitMs);
    if (ready < 0) {
      if (errno == EINTR) continue;
      throw Error::fromErrno("poll the attach socket", errno);
    }
    if (ready == 0) {
      throw Error(StatusCode::DeadlineExceeded,
                  "no output on the attach socket within " + std::to_string(timeout.count()) + " ms");
    }

    // Per thread: each attach stream is usually served by its own.
    static thread_local char buffer[kReceiveBuffer];
    iovec iov{buffer, sizeof buffer};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n < 0) {
      const int err = errno;
      if (err == EINTR || err == EAGAIN || err == EWOULDBLOCK) continue;
      // A connection reset by a crashed monitor ends the stream like a close.
      if (err == ECONNRESET) return std::nullopt;
      throw Error::fromErrno("receive from the attach socket", err);
    }
    if (n == 0) return std::nullopt;
    if (msg.msg_flags & MSG_TRUNC)
      throw Error::dataLoss("attach socket sent a packet longer than " + std::to_string(kReceiveBuffer) +
                            " bytes");
    const auto stream = static_cast<unsigned char>(buffer[0]);
    if (stream != static_cast<unsigned char>(AttachStream::Stdout) &&
        stream != static_cast<unsigned char>(AttachStream::Stderr))
      throw Error::dataLoss("attach socket sent a packet for stream " + std::to_string(stream));
    if (n == 1) throw Error::dataLoss("attach socket sent an empty packet");
    return AttachPacket{static_cast<AttachStream>(stream), std::string(buffer + 1, static_cast<std::size_t>(n - 1))};
  }
}

}  // namespace crix::oci

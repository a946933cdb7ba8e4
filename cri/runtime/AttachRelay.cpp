#include "cri/runtime/AttachRelay.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "core/Error.h"
#include "oci/runtime/AttachSocket.h"

namespace crix::cri {

namespace {

constexpr auto kStdout = static_cast<char>(oci::AttachStream::Stdout);
constexpr auto kStderr = static_cast<char>(oci::AttachStream::Stderr);
// crix-conmon sends at most 8192 bytes of output per packet.
constexpr size_t kMaxOutputPacket = 8193;

// A client that went away makes writes fail (EPIPE); that is noticed through
// clientGone, so a failed write only stops writing to that fd.
void writeAll(int& fd, const char* data, size_t size) {
  while (fd >= 0 && size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      fd = -1;
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

}  // namespace

RelayEnd relayAttachSocket(int attachSocket, const RelayFds& fds, bool halfCloseOnStdinEof) {
  int stdinFd = fds.stdinFd, stdoutFd = fds.stdoutFd, stderrFd = fds.stderrFd;
  char packet[kMaxOutputPacket];
  char input[oci::kMaxAttachInputPacket];
  // Input the process does not take yet waits here, so that output keeps
  // being read meanwhile (a blocked send would stall both directions).
  size_t pending = 0;
  bool stdinEnded = false;
  for (;;) {
    pollfd p[3] = {{attachSocket, static_cast<short>(POLLIN | (pending ? POLLOUT : 0)), 0},
                   {fds.clientGone, POLLIN, 0},
                   {stdinFd, POLLIN, 0}};
    const nfds_t count = stdinFd >= 0 && pending == 0 ? 3 : 2;
    if (::poll(p, count, -1) < 0) {
      if (errno == EINTR) continue;
      throw Error::fromErrno("poll the attach relay", errno);
    }
    if (p[1].revents) return RelayEnd::ClientGone;
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(attachSocket, packet, sizeof packet, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) return RelayEnd::OutputClosed;
      if (n > 0 && packet[0] == kStdout) writeAll(stdoutFd, packet + 1, static_cast<size_t>(n - 1));
      else if (n > 0 && packet[0] == kStderr) writeAll(stderrFd, packet + 1, static_cast<size_t>(n - 1));
    }
    if (pending && (p[0].revents & POLLOUT)) {
      const ssize_t n = ::send(attachSocket, input, pending, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n >= 0) pending = 0;
      else if (errno != EAGAIN && errno != EINTR) pending = 0, stdinFd = -1;
      if (!pending && stdinEnded && halfCloseOnStdinEof) ::shutdown(attachSocket, SHUT_WR);
      continue;
    }
    if (count == 3 && p[2].revents) {
      const ssize_t n = ::read(stdinFd, input, sizeof input);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        stdinFd = -1;
        stdinEnded = true;
        if (halfCloseOnStdinEof) ::shutdown(attachSocket, SHUT_WR);
        continue;
      }
      pending = static_cast<size_t>(n);
    }
  }
}

}  // namespace crix::cri

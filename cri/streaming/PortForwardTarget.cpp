#include "cri/streaming/PortForwardTarget.h"

#include <sys/socket.h>

#include <cerrno>

#include "core/Error.h"
#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming {

std::string portForwardErrorMessage(uint16_t port, const std::string& podSandboxId, const std::string& error) {
  return "error forwarding port " + std::to_string(port) + " to pod " + podSandboxId + ", uid : " + error;
}

PortForwardTarget PortForwardTarget::dial(StreamingBackend& backend, const std::string& podSandboxId, uint16_t port) {
  PortForwardTarget target;
  target.socket = backend.dialPort(podSandboxId, port);
  if (!target.socket) throw Error::internal("the backend returned no socket");
  setNonBlocking(target.socket.get());
  return target;
}

bool PortForwardTarget::writePending() {
  while (!toPod.empty() && socket) {
    const ssize_t n = ::send(socket.get(), toPod.data(), toPod.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      toPod.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
  return true;
}

void PortForwardTarget::shutdownWriteWhenDrained() {
  if (socket && clientDone && toPod.empty() && !writeShut_) {
    ::shutdown(socket.get(), SHUT_WR);
    writeShut_ = true;
  }
}

PortForwardTarget::ReadResult PortForwardTarget::read(std::string& into, size_t max) {
  char buffer[32 * 1024];
  const size_t want = max < sizeof buffer ? max : sizeof buffer;
  const ssize_t n = ::recv(socket.get(), buffer, want, MSG_DONTWAIT);
  if (n > 0) {
    into.append(buffer, static_cast<size_t>(n));
    return ReadResult::Data;
  }
  if (n == 0) return ReadResult::Eof;
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return ReadResult::WouldBlock;
  return ReadResult::Error;
}

}  // namespace crix::streaming

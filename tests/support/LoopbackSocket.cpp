#include "tests/support/LoopbackSocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <stdexcept>
#include <string>

namespace crix::test {

namespace {

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return addr;
}

// A socket bound to 127.0.0.1 at a port the kernel picks, and that port.
LoopbackListener bindLoopback() {
  LoopbackListener bound{UniqueFd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0))};
  sockaddr_in addr = loopback(0);
  if (!bound.fd || ::bind(bound.fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot bind a loopback socket");
  socklen_t len = sizeof addr;
  ::getsockname(bound.fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  bound.port = ntohs(addr.sin_port);
  return bound;
}

}  // namespace

LoopbackListener listenOnLoopback(int backlog) {
  LoopbackListener listener = bindLoopback();
  if (::listen(listener.fd.get(), backlog) != 0)
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(listener.port));
  return listener;
}

int freeLoopbackPort() { return bindLoopback().port; }

bool isListeningOnLoopback(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr = loopback(port);
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace crix::test

#include "netns/PodPortDialer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "core/Error.h"

namespace crix::netns {

namespace {

// Connects with a bound wait; returns the socket or sets err.
UniqueFd connectLoopback(int family, uint16_t port, std::chrono::milliseconds timeout, int& err) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) {
    err = errno;
    return {};
  }
  sockaddr_storage addr{};
  socklen_t len = 0;
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&addr);
    in->sin_family = AF_INET;
    in->sin_port = htons(port);
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *in;
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    in6->sin6_addr = in6addr_loopback;
    len = sizeof *in6;
  }
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno != EINPROGRESS) {
      err = errno;
      return {};
    }
    pollfd p{fd.get(), POLLOUT, 0};
    const int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
    if (n == 0) {
      err = ETIMEDOUT;
      return {};
    }
    int soErr = 0;
    socklen_t soLen = sizeof soErr;
    if (n < 0 || ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &soErr, &soLen) != 0) soErr = errno;
    if (soErr != 0) {
      err = soErr;
      return {};
    }
  }
  // The relay uses blocking I/O on its own thread.
  ::fcntl(fd.get(), F_SETFL, ::fcntl(fd.get(), F_GETFL) & ~O_NONBLOCK);
  return fd;
}

}  // namespace

UniqueFd dialPodPort(const std::string& netnsPath, uint16_t port, std::chrono::milliseconds timeout) {
  UniqueFd result;
  std::string failure;
  bool enterFailed = false;
  std::thread dialer([&] {
    if (!netnsPath.empty()) {
      UniqueFd ns(::open(netnsPath.c_str(), O_RDONLY | O_CLOEXEC));
      if (!ns || ::setns(ns.get(), CLONE_NEWNET) != 0) {
        failure = "enter the network namespace " + netnsPath + ": " + std::strerror(errno);
        enterFailed = true;
        return;
      }
    }
    int err4 = 0, err6 = 0;
    result = connectLoopback(AF_INET, port, timeout, err4);
    if (result) return;
    result = connectLoopback(AF_INET6, port, timeout, err6);
    if (result) return;
    failure = "connect to localhost:" + std::to_string(port) + " in the pod: " + std::strerror(err4);
  });
  dialer.join();
  if (enterFailed) throw Error::internal(failure);
  if (!result) throw Error::unavailable(failure);
  return result;
}

}  // namespace crix::netns

#include "tests/cri/streaming/client/SocketPump.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

namespace crix::streaming::test {

using Clock = std::chrono::steady_clock;

SocketPump::SocketPump(int port, WebSocketClientConnection& client)
    : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)), client_(client) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (!fd_ || ::connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to 127.0.0.1:" + std::to_string(port));
  const timeval sendTimeout{5, 0};
  ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &sendTimeout, sizeof sendTimeout);
}

void SocketPump::writeOutput() {
  const std::string out = client_.takeOutput();
  size_t at = 0;
  while (at < out.size()) {
    const ssize_t n = ::send(fd_.get(), out.data() + at, out.size() - at, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("writing to the test server failed");
    at += static_cast<size_t>(n);
  }
}

bool SocketPump::until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    writeOutput();
    if (done() || eof_) return true;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    pollfd p{fd_.get(), POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buffer[64 * 1024];
    const ssize_t n = ::read(fd_.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    auto events = n > 0 ? client_.feed(std::string_view(buffer, static_cast<size_t>(n))) : client_.finish();
    if (n <= 0) eof_ = true;
    for (auto& event : events) events_.push_back(std::move(event));
  }
}

bool SocketPump::untilEof(std::chrono::milliseconds timeout) {
  return until([] { return false; }, timeout) && eof_;
}

std::string SocketPump::messages() const {
  std::string all;
  for (const auto& event : events_)
    if (event.kind == WebSocketEvent::Kind::Message) all += event.payload;
  return all;
}

}  // namespace crix::streaming::test

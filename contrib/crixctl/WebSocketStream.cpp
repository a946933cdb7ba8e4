#include "contrib/crixctl/WebSocketStream.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/FdIo.h"
#include "core/Error.h"

namespace crixctl {

using crix::streaming::WebSocketClientConnection;
using crix::streaming::WebSocketEvent;
using Clock = std::chrono::steady_clock;

namespace {

int millisecondsLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(left);
}

// Waits for `events` on `fd` until the deadline; false on timeout.
bool waitFor(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    struct pollfd p = {fd, events, 0};
    const int n = ::poll(&p, 1, millisecondsLeft(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) throw crix::Error::fromErrno("waiting on the streaming connection", errno);
  }
}

crix::Error deadlineError(const StreamUrl& url, std::string_view what) {
  return {crix::StatusCode::DeadlineExceeded, std::string(what) + " " + url.hostHeader() + " timed out"};
}

crix::UniqueFd connectTcp(const StreamUrl& url, Clock::time_point deadline) {
  struct addrinfo hints = {};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  struct addrinfo* found = nullptr;
  const std::string port = std::to_string(url.port);
  if (const int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &found); rc != 0)
    throw crix::Error::unavailable("resolving streaming host " + url.host + ": " + ::gai_strerror(rc));
  std::unique_ptr<struct addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);

  std::string lastError = "no address";
  for (const struct addrinfo* a = found; a != nullptr; a = a->ai_next) {
    crix::UniqueFd fd(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol));
    if (!fd) {
      lastError = std::strerror(errno);
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) != 0) {
      if (errno != EINPROGRESS) {
        lastError = std::strerror(errno);
        continue;
      }
      if (!waitFor(fd.get(), POLLOUT, deadline)) throw deadlineError(url, "connecting to");
      int error = 0;
      socklen_t length = sizeof error;
      ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0) {
        lastError = std::strerror(error);
        continue;
      }
    }
    const int one = 1;
    // Keystrokes of an interactive shell go out as they are typed.
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }
  throw crix::Error::unavailable("connecting to the streaming server " + url.hostHeader() + ": " + lastError);
}

crix::StatusCode codeForRefusal(int status) {
  if (status == 401 || status == 403) return crix::StatusCode::PermissionDenied;
  if (status == 404) return crix::StatusCode::NotFound;
  if (status >= 400 && status < 500) return crix::StatusCode::InvalidArgument;
  return crix::StatusCode::Unavailable;
}

}  // namespace

WebSocketStream::WebSocketStream(crix::UniqueFd socket, WebSocketClientConnection connection)
    : socket_(std::move(socket)), connection_(std::move(connection)) {}

WebSocketStream WebSocketStream::connect(const StreamUrl& url, std::vector<std::string> protocols,
                                         std::chrono::milliseconds timeout, const StreamTlsConfig& tls) {
  const auto deadline = Clock::now() + timeout;
  clilog::debug("streaming: connecting to ", url.tls ? "https://" : "http://", url.hostHeader(), url.target);
  WebSocketStream stream(connectTcp(url, deadline),
                         WebSocketClientConnection({url.hostHeader(), url.target, std::move(protocols)}));
  if (url.tls) stream.tls_ = std::make_unique<TlsClient>(stream.fd(), tls, url.host, deadline);

  while (stream.unsent() > 0) {
    if (!waitFor(stream.fd(), POLLOUT, deadline)) throw deadlineError(url, "sending the upgrade request to");
    stream.flush();
    if (stream.broken()) throw crix::Error::unavailable("the streaming server " + url.hostHeader() + " hung up");
  }
  while (stream.connection_.state() == WebSocketClientConnection::State::Handshaking) {
    if (!waitFor(stream.fd(), POLLIN, deadline)) throw deadlineError(url, "waiting for the upgrade answer of");
    auto events = stream.readAvailable();
    const int status = stream.connection_.httpStatus();
    if (!stream.connection_.upgraded() && stream.closed()) {
      std::string why = "no answer";
      for (const auto& event : events)
        if (event.kind == WebSocketEvent::Kind::Failed) why = event.payload;
      throw crix::Error(status >= 400 ? codeForRefusal(status) : crix::StatusCode::Unavailable,
                        "upgrading " + url.hostHeader() + url.target + " to WebSocket: " + why);
    }
    for (auto& event : events) stream.pending_.push_back(std::move(event));
  }
  clilog::debug("streaming: WebSocket open, subprotocol \"", stream.protocol(), "\"");
  return stream;
}

std::vector<WebSocketEvent> WebSocketStream::takePending() { return std::exchange(pending_, {}); }

ssize_t WebSocketStream::receive(char* buffer, size_t size) {
  return tls_ ? tls_->read(buffer, size) : ::read(socket_.get(), buffer, size);
}

ssize_t WebSocketStream::transmit(const char* data, size_t size) {
  return tls_ ? tls_->write(data, size) : ::send(socket_.get(), data, size, MSG_NOSIGNAL);
}

std::vector<WebSocketEvent> WebSocketStream::readAvailable() {
  // Until the socket is dry: TLS hands out one record per read and keeps
  // the rest decrypted inside, where poll cannot see it, so it must be read
  // to the end; plain TCP is bounded, so one busy connection does not
  // starve the others.
  std::vector<WebSocketEvent> events;
  char buffer[64 * 1024];
  for (size_t total = 0; (tls_ || total < 4 * sizeof buffer) && !closed();) {
    const ssize_t n = receive(buffer, sizeof buffer);
    if (n > 0) {
      total += static_cast<size_t>(n);
      for (auto& event : connection_.feed(std::string_view(buffer, static_cast<size_t>(n))))
        events.push_back(std::move(event));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0) clilog::debug("streaming: read failed: ", std::strerror(errno));
    for (auto& event : connection_.finish()) events.push_back(std::move(event));
    break;
  }
  return events;
}

void WebSocketStream::flush() {
  if (broken_) {
    unsent_.clear();
    connection_.takeOutput();
    return;
  }
  unsent_ += connection_.takeOutput();
  while (!unsent_.empty()) {
    const ssize_t n = transmit(unsent_.data(), unsent_.size());
    if (n > 0) {
      unsent_.erase(0, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    clilog::debug("streaming: write failed: ", std::strerror(errno));
    broken_ = true;
    unsent_.clear();
    return;
  }
}

void WebSocketStream::drain(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  flush();
  while (unsent() > 0 && !broken_ && waitFor(fd(), POLLOUT, deadline)) flush();
  bool eof = false;
  while (!closed() && !broken_ && waitFor(fd(), POLLIN, deadline)) {
    readAvailable();
    flush();
  }
  ::shutdown(fd(), SHUT_WR);
  char buffer[16 * 1024];
  while (!eof && waitFor(fd(), POLLIN, deadline)) {
    const ssize_t n = receive(buffer, sizeof buffer);
    eof = n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
  }
}

}  // namespace crixctl

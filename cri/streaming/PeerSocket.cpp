#include "cri/streaming/PeerSocket.h"

#include <fcntl.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <algorithm>
#include <cstdint>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/TlsContext.h"

namespace crix::streaming {

void setNonBlocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0 || ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) throw Error::fromErrno("fcntl(O_NONBLOCK)", errno);
}

std::pair<UniqueFd, UniqueFd> makeSocketPair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) throw Error::fromErrno("socketpair", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd makeEventFd() {
  const int fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) throw Error::fromErrno("eventfd", errno);
  return UniqueFd(fd);
}

void signalEventFd(int fd) {
  const uint64_t one = 1;
  // Only fails when the counter would overflow, which keeps it readable anyway.
  [[maybe_unused]] const ssize_t n = ::write(fd, &one, sizeof one);
}

int pollTimeout(std::chrono::steady_clock::time_point deadline, int cap) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) return 0;
  return left.count() > cap ? cap : static_cast<int>(left.count());
}

PeerSocket::PeerSocket(UniqueFd fd, SSL_CTX* tls) : fd_(std::move(fd)) {
  setNonBlocking(fd_.get());
  if (!tls) return;
  ERR_clear_error();
  ssl_ = SSL_new(tls);
  if (!ssl_ || SSL_set_fd(ssl_, fd_.get()) != 1) {
    SSL_free(ssl_);
    ssl_ = nullptr;
    throw Error::internal("streaming: cannot set up TLS for a connection: " + takeOpenSslErrors());
  }
  SSL_set_accept_state(ssl_);
}

PeerSocket::~PeerSocket() { SSL_free(ssl_); }

bool PeerSocket::handshake(std::chrono::steady_clock::time_point deadline, int stopFd) {
  if (!ssl_) return true;
  while (true) {
    ERR_clear_error();
    const int rc = SSL_do_handshake(ssl_);
    if (rc == 1) return true;
    const int error = SSL_get_error(ssl_, rc);
    short events = 0;
    if (error == SSL_ERROR_WANT_READ) events = POLLIN;
    else if (error == SSL_ERROR_WANT_WRITE) events = POLLOUT;
    else {
      log::debug("streaming: TLS handshake failed: ", takeOpenSslErrors());
      return false;
    }
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd fds[2] = {{fd_.get(), events, 0}, {stopFd, POLLIN, 0}};
    if (::poll(fds, 2, pollTimeout(deadline)) < 0 && errno != EINTR) return false;
    if (fds[1].revents) return false;
  }
}

PeerSocket::ReadResult PeerSocket::readTls(std::string& into, size_t max) {
  char buffer[16 * 1024];
  size_t total = 0;
  // What SSL_read decrypted but did not hand out is invisible to poll():
  // take all of it (at most one record beyond `max`).
  do {
    ERR_clear_error();
    const int n = SSL_read(ssl_, buffer, static_cast<int>(sizeof buffer));
    if (n > 0) {
      into.append(buffer, static_cast<size_t>(n));
      total += static_cast<size_t>(n);
      continue;
    }
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE) break;
    if (total > 0) break;  // report the data now, the end on the next read
    if (error != SSL_ERROR_ZERO_RETURN) log::debug("streaming: TLS read failed: ", takeOpenSslErrors());
    return ReadResult::Closed;
  } while (SSL_pending(ssl_) > 0 || total < max);
  return total > 0 ? ReadResult::Data : ReadResult::WouldBlock;
}

PeerSocket::ReadResult PeerSocket::read(std::string& into, size_t max) {
  if (ssl_) return readTls(into, max);
  char buffer[64 * 1024];
  const size_t want = max < sizeof buffer ? max : sizeof buffer;
  while (true) {
    const ssize_t n = ::recv(fd_.get(), buffer, want, 0);
    if (n > 0) {
      into.append(buffer, static_cast<size_t>(n));
      return ReadResult::Data;
    }
    if (n == 0) return ReadResult::Closed;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return ReadResult::WouldBlock;
    return ReadResult::Closed;
  }
}

ssize_t PeerSocket::writeSome(const char* data, size_t size) {
  if (ssl_) {
    ERR_clear_error();
    const int n = SSL_write(ssl_, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
    if (n > 0) return n;
    const int error = SSL_get_error(ssl_, n);
    if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ) return 0;
    log::debug("streaming: TLS write failed: ", takeOpenSslErrors());
    return -1;
  }
  while (true) {
    const ssize_t n = ::send(fd_.get(), data, size, MSG_NOSIGNAL);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -1;
  }
}

bool PeerSocket::flush() {
  while (outputPos_ < output_.size()) {
    const ssize_t n = writeSome(output_.data() + outputPos_, output_.size() - outputPos_);
    if (n < 0) return false;
    if (n == 0) break;
    outputPos_ += static_cast<size_t>(n);
  }
  if (outputPos_ == output_.size()) {
    output_.clear();
    outputPos_ = 0;
  } else if (outputPos_ > 1024 * 1024) {
    output_.erase(0, outputPos_);
    outputPos_ = 0;
  }
  return true;
}

bool PeerSocket::flushAll(std::chrono::steady_clock::time_point deadline, int stopFd) {
  while (true) {
    if (!flush()) return false;
    if (pending() == 0) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd fds[2] = {{fd_.get(), POLLOUT, 0}, {stopFd, POLLIN, 0}};
    if (::poll(fds, stopFd >= 0 ? 2 : 1, pollTimeout(deadline)) < 0 && errno != EINTR) return false;
    if (stopFd >= 0 && (fds[1].revents & POLLIN)) return false;
    if (fds[0].revents & (POLLERR | POLLHUP)) return false;
  }
}

void PeerSocket::shutdownAndLinger(std::chrono::milliseconds linger, int stopFd) {
  if (ssl_) {
    // close_notify, best effort: the socket may not take it now.
    ERR_clear_error();
    SSL_shutdown(ssl_);
  }
  ::shutdown(fd_.get(), SHUT_WR);
  const auto deadline = std::chrono::steady_clock::now() + linger;
  std::string discard;
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd fds[2] = {{fd_.get(), POLLIN, 0}, {stopFd, POLLIN, 0}};
    if (::poll(fds, stopFd >= 0 ? 2 : 1, pollTimeout(deadline)) < 0 && errno != EINTR) return;
    if (stopFd >= 0 && (fds[1].revents & POLLIN)) return;
    if (fds[0].revents == 0) continue;
    discard.clear();
    if (read(discard) == ReadResult::Closed) return;
  }
}

}  // namespace crix::streaming

// The client's TCP connection as the session loops use it: non-blocking
// reads, and an output buffer written out as the socket takes it (never
// blocking a loop that also pumps other fds); TLS inside when the server has
// a certificate. Also the small fd helpers the server needs (socketpairs
// for the backend, the stop eventfd).
//
// With TLS, read() empties the record OpenSSL has decrypted (SSL_pending)
// before it returns, and OpenSSL reads no further ahead, so poll() on the
// fd stays the truth about pending input.
#pragma once

#include <poll.h>

#include <chrono>
#include <memory>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>

#include "core/UniqueFd.h"

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace crix::streaming {

void setNonBlocking(int fd);

// A connected AF_UNIX stream pair, close-on-exec, both ends blocking.
std::pair<UniqueFd, UniqueFd> makeSocketPair();

// An eventfd (close-on-exec, non-blocking); once written it stays readable.
UniqueFd makeEventFd();
void signalEventFd(int fd);

// Milliseconds left until `deadline` for poll(), at least 0, at most `cap`.
int pollTimeout(std::chrono::steady_clock::time_point deadline, int cap = 1000);

class PeerSocket {
 public:
  // `tls`: an SSL_CTX to serve TLS with (see TlsContext), or null.
  explicit PeerSocket(UniqueFd fd, SSL_CTX* tls = nullptr);
  ~PeerSocket();
  PeerSocket(const PeerSocket&) = delete;
  PeerSocket& operator=(const PeerSocket&) = delete;

  // The TLS handshake (nothing to do without TLS), bounded by `deadline`
  // and `stopFd`. False when it failed; the connection is then useless.
  bool handshake(std::chrono::steady_clock::time_point deadline, int stopFd);
  bool tls() const { return ssl_ != nullptr; }

  int fd() const { return fd_.get(); }

  enum class ReadResult { Data, WouldBlock, Closed };
  // Appends what the socket has (at most `max` bytes) to `into`. Closed on
  // EOF or a connection error (reset).
  ReadResult read(std::string& into, size_t max = 64 * 1024);

  void queue(std::string_view bytes) { output_.append(bytes); }
  size_t pending() const { return output_.size(); }
  // Writes what the socket takes now. False when the peer is gone.
  bool flush();
  // Blocks (polling `stopFd` too) until the output is out, or `deadline`.
  // False when it could not all be written.
  bool flushAll(std::chrono::steady_clock::time_point deadline, int stopFd);

  // After the last output: FIN, then wait (bounded) for the peer's EOF so
  // the close does not reset data still in flight to it.
  void shutdownAndLinger(std::chrono::milliseconds linger, int stopFd);
 private:
  ReadResult readTls(std::string& into, size_t max);
  // -1: error, else bytes written (0: would block).
  ssize_t writeSome(const char* data, size_t size);

  UniqueFd fd_;
  SSL* ssl_ = nullptr;
  std::string output_;
  size_t outputPos_ = 0;
};

}  // namespace crix::streaming

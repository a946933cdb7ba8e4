// TLS for streaming URLs that say https, as crictl's --tls-* flags set it
// up: without a CA the server's certificate is not checked (crictl's
// "insecure" default, the streaming server's certificate is usually
// self-signed); with --tls-ca it must chain to that CA and name the server
// (--tls-sni, else the URL's host); --tls-cert/--tls-key present a client
// certificate. Nonblocking: the caller polls the socket between calls.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>

namespace crixctl {

struct StreamTlsConfig {
  std::string caFile;      // empty: do not verify the server
  std::string certFile;    // client certificate (with keyFile)
  std::string keyFile;
  std::string serverName;  // to verify and send as SNI; empty: the URL's host
};

class TlsClient {
 public:
  // Runs the handshake on the connected nonblocking socket `fd` until
  // `deadline`. Throws crix::Error: InvalidArgument for unreadable
  // certificate files, DeadlineExceeded, Unavailable for a failed handshake
  // (the message names a verification failure).
  TlsClient(int fd, const StreamTlsConfig& config, const std::string& urlHost,
            std::chrono::steady_clock::time_point deadline);
  ~TlsClient();
  TlsClient(const TlsClient&) = delete;
  TlsClient& operator=(const TlsClient&) = delete;

  // As read(2)/send(2): bytes moved, 0 at the peer's end (read), or -1 with
  // errno EAGAIN (poll and call again) or EIO (the connection failed).
  ssize_t read(char* buffer, size_t size);
  ssize_t write(const char* data, size_t size);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crixctl

// The server's TLS configuration (HTTPS/WSS for the stream server): one
// OpenSSL SSL_CTX with the certificate chain and key from PEM files, TLS 1.2
// at least, no renegotiation. Shared by every connection.
#pragma once

#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace crix::streaming {

class TlsContext {
 public:
  // Throws crix::Error InvalidArgument naming the file and OpenSSL's reason
  // when the certificate or key cannot be loaded or do not match.
  static std::shared_ptr<TlsContext> fromFiles(const std::string& certFile, const std::string& keyFile);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;

  SSL_CTX* get() const { return ctx_; }

 private:
  explicit TlsContext(SSL_CTX* ctx) : ctx_(ctx) {}
  SSL_CTX* ctx_;
};

// OpenSSL's queued errors as text (and the queue cleared).
std::string takeOpenSslErrors();

}  // namespace crix::streaming

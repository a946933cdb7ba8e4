#include "contrib/crixctl/TlsClient.h"

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include <cerrno>

#include "core/Error.h"

namespace crixctl {

namespace {

std::string opensslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += (text.empty() ? "" : "; ") + std::string(buffer);
  }
  return text.empty() ? "unknown TLS error" : text;
}

bool isIpAddress(const std::string& host) {
  unsigned char address[16];
  return ::inet_pton(AF_INET, host.c_str(), address) == 1 || ::inet_pton(AF_INET6, host.c_str(), address) == 1;
}

}  // namespace

struct TlsClient::Impl {
  SSL_CTX* context = nullptr;
  SSL* ssl = nullptr;
  ~Impl() {
    if (ssl) SSL_free(ssl);
    if (context) SSL_CTX_free(context);
  }
};

TlsClient::TlsClient(int fd, const StreamTlsConfig& config, const std::string& urlHost,
                     std::chrono::steady_clock::time_point deadline)
    : impl_(std::make_unique<Impl>()) {
  ERR_clear_error();
  impl_->context = SSL_CTX_new(TLS_client_method());
  if (!impl_->context) throw crix::Error::internal("creating a TLS context: " + opensslErrors());
  SSL_CTX_set_min_proto_version(impl_->context, TLS1_2_VERSION);
  SSL_CTX_set_mode(impl_->context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (!config.caFile.empty()) {
    if (SSL_CTX_load_verify_locations(impl_->context, config.caFile.c_str(), nullptr) != 1)
      throw crix::Error::invalidArgument("reading the streaming TLS CA " + config.caFile + ": " + opensslErrors());
    SSL_CTX_set_verify(impl_->context, SSL_VERIFY_PEER, nullptr);
  } else {
    SSL_CTX_set_verify(impl_->context, SSL_VERIFY_NONE, nullptr);
  }
  if (!config.certFile.empty() || !config.keyFile.empty()) {
    if (config.certFile.empty() || config.keyFile.empty())
      throw crix::Error::invalidArgument("both --tls-cert and --tls-key are needed for a client certificate");
    if (SSL_CTX_use_certificate_chain_file(impl_->context, config.certFile.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(impl_->context, config.keyFile.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(impl_->context) != 1)
      throw crix::Error::invalidArgument("reading the streaming TLS certificate " + config.certFile + " and key " +
                                         config.keyFile + ": " + opensslErrors());
  }

  impl_->ssl = SSL_new(impl_->context);
  if (!impl_->ssl || SSL_set_fd(impl_->ssl, fd) != 1) throw crix::Error::internal("creating a TLS session: " + opensslErrors());
  const std::string name = config.serverName.empty() ? urlHost : config.serverName;
  if (!isIpAddress(name)) SSL_set_tlsext_host_name(impl_->ssl, name.c_str());
  if (!config.caFile.empty()) {
    X509_VERIFY_PARAM* param = SSL_get0_param(impl_->ssl);
    const int set = isIpAddress(name) ? X509_VERIFY_PARAM_set1_ip_asc(param, name.c_str())
                                      : X509_VERIFY_PARAM_set1_host(param, name.c_str(), 0);
    if (set != 1) throw crix::Error::invalidArgument("cannot verify the streaming server as \"" + name + "\"");
  }

  for (;;) {
    const int rc = SSL_connect(impl_->ssl);
    if (rc == 1) return;
    const int error = SSL_get_error(impl_->ssl, rc);
    if (error != SSL_ERROR_WANT_READ && error != SSL_ERROR_WANT_WRITE) {
      const long verify = SSL_get_verify_result(impl_->ssl);
      const std::string why = verify != X509_V_OK ? std::string("certificate verify failed: ") +
                                                        X509_verify_cert_error_string(verify)
                                                  : opensslErrors();
      throw crix::Error::unavailable("TLS handshake with the streaming server failed: " + why);
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    struct pollfd p = {fd, static_cast<short>(error == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT), 0};
    if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) == 0)
      throw crix::Error(crix::StatusCode::DeadlineExceeded, "TLS handshake with the streaming server timed out");
  }
}

TlsClient::~TlsClient() = default;

ssize_t TlsClient::read(char* buffer, size_t size) {
  ERR_clear_error();
  const int n = SSL_read(impl_->ssl, buffer, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return n;
  switch (SSL_get_error(impl_->ssl, n)) {
    case SSL_ERROR_ZERO_RETURN:
      return 0;
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      errno = EAGAIN;
      return -1;
    default:
      errno = EIO;
      return -1;
  }
}

ssize_t TlsClient::write(const char* data, size_t size) {
  ERR_clear_error();
  const int n = SSL_write(impl_->ssl, data, static_cast<int>(std::min<size_t>(size, 1 << 30)));
  if (n > 0) return n;
  switch (SSL_get_error(impl_->ssl, n)) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      errno = EAGAIN;
      return -1;
    default:
      errno = EIO;
      return -1;
  }
}

}  // namespace crixctl

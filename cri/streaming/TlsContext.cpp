#include "cri/streaming/TlsContext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "core/Error.h"

namespace crix::streaming {

std::string takeOpenSslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    text += (text.empty() ? "" : "; ") + std::string(buffer);
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

std::shared_ptr<TlsContext> TlsContext::fromFiles(const std::string& certFile, const std::string& keyFile) {
  if (certFile.empty() || keyFile.empty())
    throw Error::invalidArgument("streaming: TLS needs both a certificate and a key file");
  ERR_clear_error();
  SSL_CTX* raw = SSL_CTX_new(TLS_server_method());
  if (!raw) throw Error::internal("streaming: SSL_CTX_new: " + takeOpenSslErrors());
  std::shared_ptr<TlsContext> context(new TlsContext(raw));
  SSL_CTX_set_min_proto_version(raw, TLS1_2_VERSION);
  SSL_CTX_set_options(raw, SSL_OP_NO_RENEGOTIATION);
  // The loops write from buffers that move and may take part of them.
  SSL_CTX_set_mode(raw, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (SSL_CTX_use_certificate_chain_file(raw, certFile.c_str()) != 1)
    throw Error::invalidArgument("streaming: cannot load the TLS certificate " + certFile + ": " + takeOpenSslErrors());
  if (SSL_CTX_use_PrivateKey_file(raw, keyFile.c_str(), SSL_FILETYPE_PEM) != 1)
    throw Error::invalidArgument("streaming: cannot load the TLS key " + keyFile + ": " + takeOpenSslErrors());
  if (SSL_CTX_check_private_key(raw) != 1)
    throw Error::invalidArgument("streaming: the TLS key " + keyFile + " does not match the certificate " + certFile);
  return context;
}

TlsContext::~TlsContext() { SSL_CTX_free(ctx_); }

}  // namespace crix::streaming

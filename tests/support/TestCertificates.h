// A throwaway CA with a server certificate for 127.0.0.1 and a client
// certificate, made with the openssl CLI, for TLS registry tests.
#pragma once

#include <filesystem>

namespace crix::test {

struct Certificates {
  std::filesystem::path caCert, serverCert, serverKey, clientCert, clientKey;
};

Certificates makeCertificates(const std::filesystem::path& dir);

}  // namespace crix::test

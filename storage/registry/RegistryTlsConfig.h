// Per-registry TLS settings from containers-certs.d(5): the directory
// <root>/<host[:port]>/ holds *.crt CA certificates (trusted in addition to
// the system store) and *.cert/*.key client certificate pairs.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <openssl/x509.h>

namespace crix::registry {

struct X509Free {
  void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

struct RegistryTlsConfig {
  std::filesystem::path directory;  // empty when no certs.d entry applies
  std::vector<X509Ptr> extraCaCertificates;
  // libcurl presents one client certificate; the first pair by name is used.
  std::filesystem::path clientCertificate;
  std::filesystem::path clientKey;
};

// Looks for `hostPort` under each root in order and loads the first directory
// found. Throws FailedPrecondition for unreadable certificates or a .cert
// without its .key (and the other way round).
std::shared_ptr<const RegistryTlsConfig> loadRegistryTlsConfig(const std::vector<std::filesystem::path>& roots,
                                                               std::string_view hostPort);

// Names, sizes and modification times of what loadRegistryTlsConfig would
// read for `hostPort`: equal fingerprints mean the loaded settings still hold.
std::string certsDirectoryFingerprint(const std::vector<std::filesystem::path>& roots, std::string_view hostPort);

}  // namespace crix::registry

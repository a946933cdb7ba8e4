#include "storage/registry/RegistryTlsConfig.h"

#include <sys/stat.h>

#include <openssl/pem.h>

#include <algorithm>
#include <cstdio>
#include <system_error>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::registry {

namespace fs = std::filesystem;

namespace {

struct FileClose {
  void operator()(FILE* f) const { std::fclose(f); }
};

std::vector<X509Ptr> readPemCertificates(const fs::path& path) {
  std::unique_ptr<FILE, FileClose> file(std::fopen(path.c_str(), "r"));
  if (!file) throw Error::failedPrecondition("cannot open CA certificate " + path.string());
  std::vector<X509Ptr> certs;
  while (X509* cert = PEM_read_X509(file.get(), nullptr, nullptr, nullptr)) certs.emplace_back(cert);
  if (certs.empty()) throw Error::failedPrecondition(path.string() + " contains no PEM certificate");
  return certs;
}

}  // namespace

std::shared_ptr<const RegistryTlsConfig> loadRegistryTlsConfig(const std::vector<fs::path>& roots,
                                                               std::string_view hostPort) {
  auto config = std::make_shared<RegistryTlsConfig>();
  // A host name must not walk out of the certs directory.
  if (hostPort.empty() || hostPort.find('/') != std::string_view::npos || hostPort == "." || hostPort == "..") {
    return config;
  }
  std::error_code ec;
  for (const fs::path& root : roots) {
    const fs::path dir = root / std::string(hostPort);
    if (fs::is_directory(dir, ec)) {
      config->directory = dir;
      break;
    }
  }
  if (config->directory.empty()) return config;

  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(config->directory, ec)) files.push_back(entry.path());
  if (ec) throw Error::failedPrecondition("cannot list " + config->directory.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());

  for (const fs::path& file : files) {
    const std::string ext = file.extension().string();
    if (ext == ".crt") {
      for (auto& cert : readPemCertificates(file)) config->extraCaCertificates.push_back(std::move(cert));
    } else if (ext == ".cert") {
      fs::path key = file;
      key.replace_extension(".key");
      if (!fs::exists(key, ec)) {
        throw Error::failedPrecondition("client certificate " + file.string() + " has no key " + key.string() +
                                        " (CA certificates must use the .crt extension)");
      }
      if (config->clientCertificate.empty()) {
        config->clientCertificate = file;
        config->clientKey = key;
      } else {
        log::warn("ignoring extra client certificate ", file.string(), "; using ", config->clientCertificate.string());
      }
    } else if (ext == ".key") {
      fs::path cert = file;
      cert.replace_extension(".cert");
      if (!fs::exists(cert, ec)) {
        throw Error::failedPrecondition("client key " + file.string() + " has no certificate " + cert.string());
      }
    }
  }
  return config;
}

std::string certsDirectoryFingerprint(const std::vector<fs::path>& roots, std::string_view hostPort) {
  std::string fingerprint;
  if (hostPort.empty() || hostPort.find('/') != std::string_view::npos) return fingerprint;
  std::error_code ec;
  for (const fs::path& root : roots) {
    const fs::path dir = root / std::string(hostPort);
    if (!fs::is_directory(dir, ec)) continue;
    fingerprint += dir.string() + "\n";
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      struct stat st {};
      if (::stat(entry.path().c_str(), &st) != 0) continue;
      fingerprint += entry.path().filename().string() + " " + std::to_string(st.st_size) + " " +
                     std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + "\n";
    }
    break;  // only the first directory found is used
  }
  return fingerprint;
}

}  // namespace crix::registry

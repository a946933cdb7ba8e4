// Debian's docker-registry (distribution 2.x) on a free loopback port for
// tests, stopped when the object goes away.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace crix::test {

struct TestRegistryOptions {
  std::optional<std::filesystem::path> tlsCertificate = std::nullopt;
  std::optional<std::filesystem::path> tlsKey = std::nullopt;
  std::optional<std::filesystem::path> clientCa = std::nullopt;  // requires client certificates
  std::optional<std::filesystem::path> htpasswd = std::nullopt;
  // Token authentication: realm URL, service, issuer and the signer's certificate.
  std::string tokenRealm = {};
  std::string tokenService = {};
  std::string tokenIssuer = {};
  std::optional<std::filesystem::path> tokenSigner = std::nullopt;
};

class TestRegistry {
 public:
  static constexpr const char* kBinary = "/usr/bin/docker-registry";
  static bool available();

  // Starts the registry with its storage under `directory` and waits up to
  // ten seconds for it to listen; throws with its log otherwise.
  TestRegistry(const std::filesystem::path& directory, const TestRegistryOptions& options = {});
  ~TestRegistry();
  TestRegistry(const TestRegistry&) = delete;
  TestRegistry& operator=(const TestRegistry&) = delete;

  int port() const { return port_; }
  std::string hostPort() const { return "127.0.0.1:" + std::to_string(port_); }
  // Where the registry keeps a blob's bytes, for corrupting it.
  std::filesystem::path blobDataPath(const std::string& sha256Hex) const;
  std::string log() const;

 private:
  void stop();

  std::filesystem::path directory_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace crix::test

// Test helpers that run real programs: a scratch directory, a bounded command
// runner, and Debian's docker-registry (distribution 2.x) on a free loopback
// port, stopped when the object goes away.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace crix::registry::testing {

class ScratchDirectory {
 public:
  explicit ScratchDirectory(const std::string& prefix = "crix-registry-test");
  ~ScratchDirectory();
  ScratchDirectory(const ScratchDirectory&) = delete;
  ScratchDirectory& operator=(const ScratchDirectory&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path write(const std::string& relative, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

struct CommandResult {
  int exitCode = -1;  // -1 when killed for taking too long
  std::string output; // stdout and stderr together
};

// Runs argv[0] (a path) with a time limit; never throws for a failing command.
CommandResult runCommand(const std::vector<std::string>& argv, std::chrono::seconds timeout);
// Throws with the output when the command does not exit 0.
std::string runChecked(const std::vector<std::string>& argv, std::chrono::seconds timeout = std::chrono::seconds(60));

int freeLoopbackPort();
std::string readFile(const std::filesystem::path& path);

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

}  // namespace crix::registry::testing

// A minimal distribution token service for tests: answers GET (Basic or
// anonymous) and POST (OAuth2 refresh-token grant) on /token with ES256 JWTs
// that docker-registry's `auth: token` accepts. Runs on a loopback port in a
// thread until destroyed.
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/UniqueFd.h"

namespace crix::registry::test {

class TokenServer {
 public:
  static constexpr const char* kService = "crix-test-registry";
  static constexpr const char* kIssuer = "crix-test-issuer";
  static constexpr const char* kUser = "crix";
  static constexpr const char* kPassword = "s3cret";
  static constexpr const char* kRefreshToken = "crix-refresh-token";

  // Creates the signing key and certificate under `directory`.
  explicit TokenServer(const std::filesystem::path& directory);
  ~TokenServer();
  TokenServer(const TokenServer&) = delete;
  TokenServer& operator=(const TokenServer&) = delete;

  std::string realm() const { return "http://127.0.0.1:" + std::to_string(port_) + "/token"; }
  const std::filesystem::path& signingCertificate() const { return certificate_; }

  // A token granting `actions` ("pull,push") on `repository`.
  std::string mint(const std::string& subject, const std::string& repository, const std::string& actions) const;

  int requests() const { return requests_.load(); }
  std::vector<std::string> methods() const;

 private:
  void serve();
  std::string answer(const std::string& request);
  std::string mintWithAccess(const std::string& subject, const std::string& accessJson) const;

  std::filesystem::path key_;
  std::filesystem::path certificate_;
  UniqueFd listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> methods_;
  std::thread thread_;
};

}  // namespace crix::registry::test

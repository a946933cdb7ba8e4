// Everything about proving who we are to a registry: choosing credentials
// (the caller's, else the auth file's most specific entry), answering Basic
// and Bearer challenges, fetching and caching tokens from the token service
// (anonymously, with a password, or with an OAuth2 identity token), and
// turning a final refusal into a message a person can act on.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/Error.h"
#include "storage/registry/AuthChallenge.h"
#include "storage/registry/AuthConfig.h"
#include "storage/registry/BearerTokenCache.h"
#include "storage/registry/HttpTransport.h"
#include "storage/registry/RegistryEndpoint.h"

namespace crix::registry {

struct RegistryCredentials {
  AuthConfig config;   // username/password already decoded from `auth`
  std::string origin;  // where they came from, for messages
  std::string cacheId; // separates tokens of different identities; empty if anonymous

  bool hasPassword() const { return !config.username.empty() || !config.password.empty(); }
  bool any() const { return !config.empty(); }
};

class RegistryAuthenticator {
 public:
  using TlsLookup = std::function<std::shared_ptr<const RegistryTlsConfig>(const std::string& hostPort)>;

  RegistryAuthenticator(const HttpTransport& transport, TlsLookup tlsFor, std::chrono::milliseconds requestTimeout,
                        std::optional<std::filesystem::path> authFile);

  RegistryCredentials credentialsFor(const RegistryEndpoint& endpoint, const AuthConfig& explicitAuth) const;

  // The Authorization header to send up front, if we already know one.
  std::optional<std::string> authorization(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials) const;

  // Remembers what a registry asked for (from its /v2/ answer) so later
  // requests can send Basic credentials without a round trip.
  void noteChallenges(const RegistryEndpoint& endpoint, const std::vector<AuthChallenge>& challenges);

  // After a 401: gets what the challenges ask for. False when there is
  // nothing new to try (no credentials for Basic, a fixed registry token).
  bool answerChallenges(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                        const std::vector<AuthChallenge>& challenges);

  // The error for a request still refused (401/403) after authenticating.
  Error refusal(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                const HttpResponse& response) const;

 private:
  std::string tokenKey(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials) const;
  BearerToken fetchToken(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                         const AuthChallenge& challenge);

  const HttpTransport& transport_;
  TlsLookup tlsFor_;
  std::chrono::milliseconds requestTimeout_;
  std::optional<std::filesystem::path> authFile_;
  BearerTokenCache tokens_;
  mutable std::mutex mutex_;
  std::set<std::string> basicAuthHosts_;
};

}  // namespace crix::registry

#include "storage/registry/RegistryAuthenticator.h"

#include "core/Log.h"
#include "storage/digest/DigestHasher.h"
#include "storage/registry/AuthFile.h"
#include "core/Base64.h"
#include "storage/registry/RegistryErrors.h"

namespace crix::registry {

using digest::DigestAlgorithm;
using digest::DigestHasher;

namespace {

std::string pullScope(const RegistryEndpoint& endpoint) { return "repository:" + endpoint.repository + ":pull"; }

std::string basicHeader(const AuthConfig& config) {
  return "Authorization: Basic " + base64Encode(config.username + ":" + config.password);
}

std::string who(const RegistryCredentials& credentials) {
  if (!credentials.config.username.empty()) return "user \"" + credentials.config.username + "\"";
  if (!credentials.config.identityToken.empty()) return "the identity token";
  if (!credentials.config.registryToken.empty()) return "the registry token";
  return "anonymous access";
}

}  // namespace

RegistryAuthenticator::RegistryAuthenticator(const HttpTransport& transport, TlsLookup tlsFor,
                                             std::chrono::milliseconds requestTimeout,
                                             std::optional<std::filesystem::path> authFile)
    : transport_(transport), tlsFor_(std::move(tlsFor)), requestTimeout_(requestTimeout), authFile_(std::move(authFile)) {}

RegistryCredentials RegistryAuthenticator::credentialsFor(const RegistryEndpoint& endpoint,
                                                          const AuthConfig& explicitAuth) const {
  RegistryCredentials credentials;
  if (!explicitAuth.empty()) {
    credentials.config = resolveAuthConfig(explicitAuth);
    credentials.origin = "the credentials passed with the request";
  } else if (authFile_) {
    // Read on every pull: operators edit auth files while the runtime runs.
    if (auto found = AuthFile::load(*authFile_).lookup(endpoint.registry, endpoint.repository)) {
      credentials.config = std::move(*found);
      credentials.origin = "auth file " + authFile_->string();
    }
  }
  if (credentials.any()) {
    const AuthConfig& c = credentials.config;
    // A hash, so that two callers claiming the same user with different
    // secrets never share a token.
    const std::string secret = c.password + '\0' + c.identityToken + '\0' + c.registryToken;
    credentials.cacheId = c.username + "#" + DigestHasher::digestOf(DigestAlgorithm::Sha256, secret).hex();
  }
  return credentials;
}

std::string RegistryAuthenticator::tokenKey(const RegistryEndpoint& endpoint,
                                            const RegistryCredentials& credentials) const {
  return endpoint.apiHost + "|" + pullScope(endpoint) + "|" + credentials.cacheId;
}

std::optional<std::string> RegistryAuthenticator::authorization(const RegistryEndpoint& endpoint,
                                                                const RegistryCredentials& credentials) const {
  if (!credentials.config.registryToken.empty()) return "Authorization: Bearer " + credentials.config.registryToken;
  if (auto token = tokens_.find(tokenKey(endpoint, credentials), std::chrono::steady_clock::now())) {
    return "Authorization: Bearer " + *token;
  }
  std::lock_guard lock(mutex_);
  if (credentials.hasPassword() && basicAuthHosts_.count(endpoint.apiHost)) return basicHeader(credentials.config);
  return std::nullopt;
}

void RegistryAuthenticator::noteChallenges(const RegistryEndpoint& endpoint,
                                           const std::vector<AuthChallenge>& challenges) {
  bool basic = false;
  for (const AuthChallenge& c : challenges) {
    if (c.scheme == "bearer") return;  // tokens are fetched per repository on demand
    basic = basic || c.scheme == "basic";
  }
  if (!basic) return;
  std::lock_guard lock(mutex_);
  basicAuthHosts_.insert(endpoint.apiHost);
}

bool RegistryAuthenticator::answerChallenges(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                                             const std::vector<AuthChallenge>& challenges) {
  if (!credentials.config.registryToken.empty()) return false;
  for (const AuthChallenge& challenge : challenges) {
    if (challenge.scheme != "bearer" || challenge.param("realm").empty()) continue;
    const std::string key = tokenKey(endpoint, credentials);
    tokens_.forget(key);
    tokens_.store(key, fetchToken(endpoint, credentials, challenge));
    return true;
  }
  for (const AuthChallenge& challenge : challenges) {
    if (challenge.scheme != "basic") continue;
    if (!credentials.hasPassword()) return false;
    std::lock_guard lock(mutex_);
    // Already sent and refused: trying again would not help.
    if (!basicAuthHosts_.insert(endpoint.apiHost).second) return false;
    return true;
  }
  return false;
}

BearerToken RegistryAuthenticator::fetchToken(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                                              const AuthChallenge& challenge) {
  const std::string realm = challenge.param("realm");
  if (!realm.starts_with("https://") && !realm.starts_with("http://")) {
    throw Error::unavailable("registry " + endpoint.registry + " sent an unusable token realm \"" + realm + "\"");
  }
  const std::string service = challenge.param("service");
  std::string scope = challenge.param("scope");
  if (scope.empty()) scope = pullScope(endpoint);

  HttpRequest request;
  request.headers.push_back("Accept: application/json");
  request.verifyTls = !endpoint.insecure;
  request.tls = tlsFor_(urlHostPort(realm));
  request.timeout = requestTimeout_;
  request.followRedirects = true;
  request.allowPlainHttp = realm.starts_with("http://");
  const AuthConfig& c = credentials.config;
  if (!c.identityToken.empty()) {
    // OAuth2 refresh-token grant, as the distribution token spec describes.
    request.method = "POST";
    request.url = realm;
    request.headers.push_back("Content-Type: application/x-www-form-urlencoded");
    request.body = "grant_type=refresh_token&client_id=crix&refresh_token=" + urlEncode(c.identityToken) +
                   "&service=" + urlEncode(service) + "&scope=" + urlEncode(scope);
  } else {
    request.url = realm + (realm.find('?') == std::string::npos ? "?" : "&");
    if (!service.empty()) request.url += "service=" + urlEncode(service) + "&";
    request.url += "scope=" + urlEncode(scope);
    if (credentials.hasPassword()) request.headers.push_back(basicHeader(c));
  }

  log::debug("fetching registry token from ", realm, " for ", scope, " as ", who(credentials));
  HttpResponse response;
  try {
    response = transport_.perform(request);
  } catch (const HttpTransportError& e) {
    throw Error::unavailable("token service of registry " + endpoint.registry + " is unreachable: " + e.what());
  }
  if (response.status == 401 || response.status == 403) {
    if (!credentials.any()) {
      throw Error::unauthenticated("registry " + endpoint.registry + " requires authentication for repository " +
                                   endpoint.repository + ": its token service refused anonymous access; provide credentials "
                                   "(an image pull secret / CRI AuthConfig, or an auth file entry for " +
                                   endpoint.registry + ")");
    }
    throw Error::unauthenticated("registry " + endpoint.registry + " rejected " + who(credentials) + " from " +
                                 credentials.origin + " (token service " + realm + " answered " +
                                 std::to_string(response.status) + "): check the username and password");
  }
  if (response.status < 200 || response.status >= 300) {
    throw registryHttpError(response, "token for " + endpoint.display() + " from " + realm);
  }
  try {
    return parseTokenResponse(response.body, std::chrono::steady_clock::now());
  } catch (const Error& e) {
    throw Error::unavailable("token service " + realm + " of registry " + endpoint.registry +
                             " sent an unusable answer: " + e.what());
  }
}

Error RegistryAuthenticator::refusal(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                                     const HttpResponse& response) const {
  std::string detail = registryErrorDetail(response.body);
  detail = detail.empty() ? "" : " (" + detail + ")";
  if (response.status == 403) {
    return Error::permissionDenied("registry " + endpoint.registry + " denied " + who(credentials) +
                                   " access to repository " + endpoint.repository + detail +
                                   ": the account is not allowed to pull it");
  }
  if (!credentials.any()) {
    std::string hint = "provide credentials (an image pull secret / CRI AuthConfig";
    hint += authFile_ ? ", or an entry for " + endpoint.registry + " in " + authFile_->string() + ")" : ")";
    return Error::unauthenticated("registry " + endpoint.registry + " requires authentication for repository " +
                                  endpoint.repository + detail + ": " + hint);
  }
  return Error::unauthenticated("registry " + endpoint.registry + " rejected " + who(credentials) + " from " +
                                credentials.origin + " for repository " + endpoint.repository + detail +
                                ": check the username and password");
}

}  // namespace crix::registry

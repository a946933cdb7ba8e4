#include "storage/registry/RegistryClient.h"

#include <charconv>
#include <map>
#include <mutex>

#include "core/Log.h"
#include "storage/digest/DigestHasher.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/MediaTypes.h"
#include "storage/registry/RegistryAuthenticator.h"
#include "storage/registry/RegistryEndpoint.h"
#include "storage/registry/RegistryErrors.h"

#ifndef CRIX_VERSION
#define CRIX_VERSION "dev"
#endif

namespace crix::registry {

using digest::Digest;
using digest::DigestAlgorithm;
using digest::DigestHasher;
using digest::verifyDigest;

namespace {

// How to reach one registry host, learned from its /v2/ answer.
struct HostRoute {
  std::string baseUrl;  // "https://host:port" or, for insecure registries, maybe "http://…"
  bool verifyTls = true;
};

std::vector<AuthChallenge> challengesOf(const HttpResponse& response) {
  std::vector<AuthChallenge> all;
  for (const std::string& value : response.headerValues("www-authenticate")) {
    for (AuthChallenge& c : parseAuthChallenges(value)) all.push_back(std::move(c));
  }
  return all;
}

Error withContext(const Error& e, const std::string& what) { return Error(e.code(), what + ": " + e.what()); }

}  // namespace

class RegistryClient::Impl {
 public:
  explicit Impl(RegistryClientOptions options)
      : options_(std::move(options)),
        transport_(options_.timeouts, options_.userAgent.empty() ? std::string("crix/") + CRIX_VERSION : options_.userAgent),
        auth_(transport_, [this](const std::string& hostPort) { return tlsFor(hostPort); }, options_.requestTimeout,
              options_.authFile) {}

  HostRoute route(const RegistryEndpoint& endpoint);
  HttpResponse execute(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials, HttpRequest request,
                       const std::string& path);
  FetchedManifest fetchManifest(const PullSource& source, const std::string& reference, const std::optional<Digest>& expected,
                                const AuthConfig& auth);
  std::optional<Descriptor> headManifest(const PullSource& source, const AuthConfig& auth);
  void fetchBlob(const PullSource& source, const Descriptor& blob, const BlobSink& sink, const AuthConfig& auth);

 private:
  std::shared_ptr<const RegistryTlsConfig> tlsFor(const std::string& hostPort);
  HostRoute probe(const RegistryEndpoint& endpoint);
  Error unreachable(const RegistryEndpoint& endpoint, const HttpTransportError& e) const;
  void fetchForeignBlob(const RegistryEndpoint& endpoint, const Descriptor& blob, const BlobSink& sink);

  RegistryClientOptions options_;
  HttpTransport transport_;
  RegistryAuthenticator auth_;
  std::mutex mutex_;
  std::map<std::string, HostRoute> routes_;
  // By host: the certs.d fingerprint the settings were loaded under, and the settings.
  std::map<std::string, std::pair<std::string, std::shared_ptr<const RegistryTlsConfig>>> tls_;
};

std::shared_ptr<const RegistryTlsConfig> RegistryClient::Impl::tlsFor(const std::string& hostPort) {
  // certs.d is read again whenever it changed, as containers/image reads it
  // per pull: an administrator who adds a CA expects the next pull to use it.
  const std::string fingerprint = certsDirectoryFingerprint(options_.certsDirectories, hostPort);
  {
    std::lock_guard lock(mutex_);
    if (auto it = tls_.find(hostPort); it != tls_.end() && it->second.first == fingerprint) return it->second.second;
  }
  auto config = loadRegistryTlsConfig(options_.certsDirectories, hostPort);
  if (!config->directory.empty()) log::debug("using TLS settings from ", config->directory.string(), " for ", hostPort);
  std::lock_guard lock(mutex_);
  auto& slot = tls_[hostPort];
  slot = {fingerprint, std::move(config)};
  return slot.second;
}

Error RegistryClient::Impl::unreachable(const RegistryEndpoint& endpoint, const HttpTransportError& e) const {
  if (e.tlsVerificationFailed()) {
    const std::string dir = options_.certsDirectories.empty() ? std::string("/etc/containers/certs.d")
                                                              : options_.certsDirectories.front().string();
    return Error::unavailable("the TLS certificate of registry " + endpoint.registry + " is not trusted (" + e.what() +
                              "): add the CA certificate that signed it as " + dir + "/" + endpoint.registry +
                              "/ca.crt, or mark the registry insecure in registries.conf");
  }
  std::string message = "registry " + endpoint.registry + " is unreachable: " + e.what();
  // OpenSSL's words for "the server answered in plain HTTP".
  if (std::string_view(e.what()).find("wrong version number") != std::string_view::npos) {
    message += " (it seems to speak plain HTTP; if that is intended, mark it insecure in registries.conf)";
  }
  return Error::unavailable(message);
}

HostRoute RegistryClient::Impl::probe(const RegistryEndpoint& endpoint) {
  HttpRequest request;
  request.url = "https://" + endpoint.apiHost + "/v2/";
  request.verifyTls = !endpoint.insecure;
  request.tls = tlsFor(endpoint.registry);
  request.timeout = options_.requestTimeout;
  HostRoute route{.baseUrl = "https://" + endpoint.apiHost, .verifyTls = !endpoint.insecure};
  HttpResponse response;
  try {
    response = transport_.perform(request);
  } catch (const HttpTransportError& httpsError) {
    if (!endpoint.insecure) throw unreachable(endpoint, httpsError);
    // Insecure means: TLS without verification first, then plain HTTP.
    request.url = "http://" + endpoint.apiHost + "/v2/";
    route.baseUrl = "http://" + endpoint.apiHost;
    try {
      response = transport_.perform(request);
    } catch (const HttpTransportError& httpError) {
      throw Error::unavailable("registry " + endpoint.registry + " is unreachable over https (" + httpsError.what() +
                               ") and over http (" + httpError.what() + ")");
    }
  }
  if (response.status != 200 && response.status != 401) {
    throw Error::unavailable("registry " + endpoint.registry + " does not serve the registry v2 API: GET " + request.url +
                             " answered HTTP " + std::to_string(response.status));
  }
  auth_.noteChallenges(endpoint, challengesOf(response));
  log::debug("registry ", endpoint.registry, " reachable at ", route.baseUrl,
             route.verifyTls ? "" : " (TLS verification off: insecure registry)");
  return route;
}

HostRoute RegistryClient::Impl::route(const RegistryEndpoint& endpoint) {
  const std::string key = endpoint.apiHost + (endpoint.insecure ? "|insecure" : "");
  {
    std::lock_guard lock(mutex_);
    if (auto it = routes_.find(key); it != routes_.end()) return it->second;
  }
  // Probed without the lock: a duplicate probe by a concurrent pull is harmless.
  HostRoute found = probe(endpoint);
  std::lock_guard lock(mutex_);
  return routes_.emplace(key, std::move(found)).first->second;
}

HttpResponse RegistryClient::Impl::execute(const RegistryEndpoint& endpoint, const RegistryCredentials& credentials,
                                           HttpRequest request, const std::string& path) {
  const HostRoute hostRoute = route(endpoint);
  request.url = hostRoute.baseUrl + path;
  request.verifyTls = hostRoute.verifyTls;
  request.tls = tlsFor(endpoint.registry);
  request.allowPlainHttp = endpoint.insecure;
  const std::vector<std::string> baseHeaders = request.headers;
  for (int attempt = 0;; ++attempt) {
    request.headers = baseHeaders;
    if (auto header = auth_.authorization(endpoint, credentials)) request.headers.push_back(std::move(*header));
    HttpResponse response;
    try {
      response = transport_.perform(request);
    } catch (const HttpTransportError& e) {
      throw unreachable(endpoint, e);
    }
    if (response.status == 401 && attempt == 0 && auth_.answerChallenges(endpoint, credentials, challengesOf(response))) {
      continue;
    }
    if (response.status == 401 || response.status == 403) throw auth_.refusal(endpoint, credentials, response);
    return response;
  }
}

FetchedManifest RegistryClient::Impl::fetchManifest(const PullSource& source, const std::string& reference,
                                                    const std::optional<Digest>& expected, const AuthConfig& auth) {
  const RegistryEndpoint endpoint = RegistryEndpoint::of(source);
  const std::string what = "manifest " + reference + " of " + endpoint.display();
  const RegistryCredentials credentials = auth_.credentialsFor(endpoint, auth);
  HttpRequest request;
  request.headers.push_back("Accept: " + std::string(mediatype::kManifestAccept));
  request.maxBodyBytes = kMaxManifestBytes;
  request.timeout = options_.requestTimeout;
  log::debug("fetching ", what);
  HttpResponse response = execute(endpoint, credentials, std::move(request),
                                  "/v2/" + endpoint.repository + "/manifests/" + reference);
  if (response.bodyTooLarge) {
    throw Error::invalidArgument(what + " is larger than the " + std::to_string(kMaxManifestBytes) + "-byte limit");
  }
  if (response.status != 200) throw registryHttpError(response, what);

  std::string mediaType;
  try {
    mediaType = detectManifestMediaType(response.header("content-type").value_or(""), response.body);
  } catch (const Error& e) {
    throw withContext(e, what);
  }
  std::optional<Digest> claimed = expected;
  if (!claimed) {
    if (auto header = response.header("docker-content-digest")) claimed = Digest::tryParse(*header);
  }
  const DigestAlgorithm algorithm = claimed ? claimed->algorithm() : DigestAlgorithm::Sha256;
  Digest actual = DigestHasher::digestOf(algorithm, response.body);
  if (claimed) verifyDigest(*claimed, actual, what + " from " + endpoint.registry);
  return FetchedManifest{.mediaType = std::move(mediaType), .bytes = std::move(response.body), .digest = std::move(actual)};
}

std::optional<Descriptor> RegistryClient::Impl::headManifest(const PullSource& source, const AuthConfig& auth) {
  const RegistryEndpoint endpoint = RegistryEndpoint::of(source);
  const std::string reference = source.reference.manifestReference();
  const RegistryCredentials credentials = auth_.credentialsFor(endpoint, auth);
  HttpRequest request;
  request.method = "HEAD";
  request.headers.push_back("Accept: " + std::string(mediatype::kManifestAccept));
  request.timeout = options_.requestTimeout;
  HttpResponse response = execute(endpoint, credentials, std::move(request),
                                  "/v2/" + endpoint.repository + "/manifests/" + reference);
  if (response.status == 404) return std::nullopt;
  const std::string what = "manifest " + reference + " of " + endpoint.display();
  if (response.status != 200) throw registryHttpError(response, what);

  std::string type = response.header("content-type").value_or("");
  type = type.substr(0, type.find(';'));
  if (mediatype::isSchema1(type)) throw withContext(Error::failedPrecondition("schema 1 manifests are not supported"), what);
  auto digest = Digest::tryParse(response.header("docker-content-digest").value_or(""));
  std::int64_t length = -1;
  if (auto header = response.header("content-length")) {
    const auto [end, ec] = std::from_chars(header->data(), header->data() + header->size(), length);
    if (ec != std::errc() || end != header->data() + header->size()) length = -1;
  }
  if (!digest || length < 0 || !(mediatype::isIndex(type) || mediatype::isImageManifest(type))) {
    // Not enough in the headers; the manifest itself tells.
    FetchedManifest manifest = fetchManifest(source, reference, source.reference.digest(), auth);
    return Descriptor{.mediaType = manifest.mediaType, .digest = manifest.digest,
                      .size = static_cast<std::int64_t>(manifest.bytes.size())};
  }
  return Descriptor{.mediaType = type, .digest = *digest, .size = length};
}

void RegistryClient::Impl::fetchBlob(const PullSource& source, const Descriptor& blob, const BlobSink& sink,
                                     const AuthConfig& auth) {
  const RegistryEndpoint endpoint = RegistryEndpoint::of(source);
  const std::string what = "blob " + blob.digest.str() + " of " + endpoint.display();
  const RegistryCredentials credentials = auth_.credentialsFor(endpoint, auth);
  DigestHasher hasher(blob.digest.algorithm());
  std::int64_t received = 0;
  HttpRequest request;
  request.followRedirects = true;
  request.onBody = [&](std::string_view chunk) {
    received += static_cast<std::int64_t>(chunk.size());
    if (received > blob.size) {
      throw Error::dataLoss(what + ": the registry sent more than the " + std::to_string(blob.size) +
                            " bytes the manifest declares");
    }
    hasher.update(chunk);
    sink(chunk);
  };
  log::debug("fetching ", what, " (", blob.size, " bytes)");
  const HttpResponse response = execute(endpoint, credentials, std::move(request),
                                        "/v2/" + endpoint.repository + "/blobs/" + blob.digest.str());
  if (response.status == 404 && !blob.urls.empty()) {
    fetchForeignBlob(endpoint, blob, sink);
    return;
  }
  if (response.status != 200) throw registryHttpError(response, what);
  if (received != blob.size) {
    throw Error::dataLoss(what + ": got " + std::to_string(received) + " bytes, the manifest declares " +
                          std::to_string(blob.size));
  }
  verifyDigest(blob.digest, hasher.finish(), what);
}

void RegistryClient::Impl::fetchForeignBlob(const RegistryEndpoint& endpoint, const Descriptor& blob,
                                            const BlobSink& sink) {
  const std::string what = "non-distributable blob " + blob.digest.str() + " of " + endpoint.display();
  std::string failures;
  for (const std::string& url : blob.urls) {
    const bool https = url.starts_with("https://");
    if (!https && !(endpoint.insecure && url.starts_with("http://"))) {
      failures += " " + url + ": not an https URL;";
      continue;
    }
    DigestHasher hasher(blob.digest.algorithm());
    std::int64_t received = 0;
    HttpRequest request;
    request.url = url;
    request.followRedirects = true;
    request.allowPlainHttp = endpoint.insecure;
    request.tls = tlsFor(urlHostPort(url));
    request.onBody = [&](std::string_view chunk) {
      received += static_cast<std::int64_t>(chunk.size());
      if (received > blob.size) throw Error::dataLoss(what + ": " + url + " sent more bytes than declared");
      hasher.update(chunk);
      sink(chunk);
    };
    HttpResponse response;
    try {
      response = transport_.perform(request);
    } catch (const HttpTransportError& e) {
      if (received > 0) throw;
      failures += std::string(" ") + e.what() + ";";
      continue;
    }
    if (response.status != 200) {
      failures += " " + url + ": HTTP " + std::to_string(response.status) + ";";
      continue;
    }
    if (received != blob.size) throw Error::dataLoss(what + ": " + url + " sent " + std::to_string(received) + " bytes");
    verifyDigest(blob.digest, hasher.finish(), what);
    return;
  }
  throw Error::notFound(what + ": the registry does not have it and no URL worked:" + failures);
}

RegistryClient::RegistryClient(RegistryClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
RegistryClient::~RegistryClient() = default;

void RegistryClient::ping(const PullSource& source) { impl_->route(RegistryEndpoint::of(source)); }

FetchedManifest RegistryClient::fetchManifest(const PullSource& source, const AuthConfig& auth) {
  return impl_->fetchManifest(source, source.reference.manifestReference(), source.reference.digest(), auth);
}

FetchedManifest RegistryClient::fetchManifest(const PullSource& source, const Digest& digest, const AuthConfig& auth) {
  return impl_->fetchManifest(source, digest.str(), digest, auth);
}

std::optional<Descriptor> RegistryClient::headManifest(const PullSource& source, const AuthConfig& auth) {
  return impl_->headManifest(source, auth);
}

void RegistryClient::fetchBlob(const PullSource& source, const Descriptor& blob, const BlobSink& sink,
                               const AuthConfig& auth) {
  impl_->fetchBlob(source, blob, sink, auth);
}

std::string RegistryClient::fetchBlobBytes(const PullSource& source, const Descriptor& blob, std::size_t maxBytes,
                                           const AuthConfig& auth) {
  if (blob.size < 0 || static_cast<std::uint64_t>(blob.size) > maxBytes) {
    throw Error::invalidArgument("blob " + blob.digest.str() + " is " + std::to_string(blob.size) +
                                 " bytes, more than the limit of " + std::to_string(maxBytes));
  }
  std::string bytes;
  bytes.reserve(static_cast<std::size_t>(blob.size));
  impl_->fetchBlob(source, blob, [&](std::string_view chunk) { bytes.append(chunk); }, auth);
  return bytes;
}

}  // namespace crix::registry

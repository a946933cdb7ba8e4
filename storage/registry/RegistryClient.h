// Talks to container registries over the OCI distribution API (v2): checks
// the API is there, fetches manifests and blobs, and verifies every byte
// against its digest. Handles Basic and Bearer-token authentication,
// per-registry TLS (certs.d) and insecure registries. Does not know about
// mirrors or short names: callers pass each PullSource from RegistriesConf in
// turn. Safe to use from several threads; connections and tokens are shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/registry/AuthConfig.h"
#include "storage/registry/Descriptor.h"
#include "storage/digest/Digest.h"
#include "storage/registry/HttpTransport.h"
#include "storage/registry/RegistriesConf.h"

namespace crix::registry {

struct RegistryClientOptions {
  // containers-certs.d(5) roots, searched in order for <host[:port]>/.
  std::vector<std::filesystem::path> certsDirectories{"/etc/containers/certs.d", "/etc/docker/certs.d"};
  // containers-auth.json(5) used when a call passes no credentials.
  std::optional<std::filesystem::path> authFile;
  std::string userAgent;  // empty: "crix/<version>"
  HttpTimeouts timeouts;
  // Upper bound for the small requests (ping, manifests, tokens); blob
  // downloads are bounded by the low-speed limit instead.
  std::chrono::milliseconds requestTimeout{120'000};
};

struct FetchedManifest {
  std::string mediaType;  // one of the four supported manifest kinds
  std::string bytes;      // exactly as served, i.e. what the digest covers
  digest::Digest digest;
};

// Receives blob bytes as they arrive, before the digest is known to match:
// only a normal return from fetchBlob() says the bytes were right. It may
// throw to abort the download.
using BlobSink = std::function<void(std::string_view chunk)>;

class RegistryClient {
 public:
  explicit RegistryClient(RegistryClientOptions options = {});
  ~RegistryClient();
  RegistryClient(const RegistryClient&) = delete;
  RegistryClient& operator=(const RegistryClient&) = delete;

  // GET /v2/: finds out whether the registry speaks the API, over which
  // scheme, and which authentication it wants. Other calls do it implicitly.
  void ping(const PullSource& source);

  // The manifest named by the source's tag or digest. Fetching by digest
  // verifies it; fetching by tag verifies against Docker-Content-Digest when
  // the registry sends one. Schema 1 is FailedPrecondition.
  FetchedManifest fetchManifest(const PullSource& source, const AuthConfig& auth = {});
  // A manifest by digest in the source's repository (e.g. the entry chosen
  // from an index).
  FetchedManifest fetchManifest(const PullSource& source, const digest::Digest& digest, const AuthConfig& auth = {});

  // Digest, media type and size of the manifest without downloading it;
  // nothing when the registry does not have it.
  std::optional<Descriptor> headManifest(const PullSource& source, const AuthConfig& auth = {});

  // Streams the blob into `sink`, following redirects, and verifies size and
  // digest at the end (DataLoss naming both digests on mismatch). A registry
  // that does not have a non-distributable layer is asked for descriptor URLs.
  void fetchBlob(const PullSource& source, const Descriptor& blob, const BlobSink& sink, const AuthConfig& auth = {});

  // A small blob (the image config) as a string, refused above `maxBytes`.
  std::string fetchBlobBytes(const PullSource& source, const Descriptor& blob, std::size_t maxBytes,
                             const AuthConfig& auth = {});

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace crix::registry

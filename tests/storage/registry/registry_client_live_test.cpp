// Runs the client against Debian's docker-registry on a loopback port: plain
// HTTP, htpasswd Basic auth, TLS with certs.d and client certificates.
#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "TestImage.h"
#include "TokenServer.h"
#include "core/Error.h"
#include "core/Base64.h"
#include "storage/registry/ImageConfig.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/MediaTypes.h"
#include "storage/registry/PlatformMatcher.h"
#include "storage/registry/RegistryClient.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/LoopbackSocket.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestCertificates.h"
#include "tests/support/TestRegistry.h"

using crix::StatusCode;
using namespace crix::registry;
using crix::base64Encode;
using namespace crix::registry::test;
using namespace crix::test;
namespace fs = std::filesystem;

namespace {

bool toolsPresent() {
  if (!TestRegistry::available()) {
    FAIL_CHECK("missing tool, the test cannot run: /usr/bin/docker-registry is not installed (apt-get install docker-registry)");
    return false;
  }
  if (::access("/usr/bin/skopeo", X_OK) != 0) {
    FAIL_CHECK("missing tool, the test cannot run: /usr/bin/skopeo is not installed");
    return false;
  }
  return true;
}

RegistryClientOptions testOptions(const fs::path& certsDir) {
  RegistryClientOptions options;
  options.certsDirectories = {certsDir};
  options.timeouts.connect = std::chrono::seconds(5);
  options.timeouts.lowSpeedTime = std::chrono::seconds(10);
  options.requestTimeout = std::chrono::seconds(30);
  return options;
}

PullSource source(const std::string& text, bool insecure) {
  return PullSource{.reference = ImageReference::parse(text), .insecure = insecure, .mirror = false};
}

std::string contains(const crix::Error& e, const std::string& part) {
  const std::string message = e.what();
  return message.find(part) != std::string::npos ? "yes" : "missing \"" + part + "\" in: " + message;
}

std::string pullWholeImage(RegistryClient& client, const PullSource& src, const TestImage& image,
                           const AuthConfig& auth = {}) {
  const FetchedManifest fetched = client.fetchManifest(src, auth);
  const ImageManifest manifest = parseImageManifest(fetched.bytes, fetched.mediaType);
  const ImageConfig config = parseImageConfig(client.fetchBlobBytes(src, manifest.config, kMaxImageConfigBytes, auth));
  REQUIRE(config.diffIds.size() == 1);
  CHECK(config.diffIds[0].str() == image.diffId);
  std::string layer;
  client.fetchBlob(src, manifest.layers.at(0).descriptor, [&](std::string_view chunk) { layer.append(chunk); }, auth);
  return fetched.digest.str();
}

}  // namespace

TEST_SUITE("registry/live") {

TEST_CASE("pulling from a real registry over plain HTTP") {
  if (!toolsPresent()) return;
  TempDir scratch;
  const TestImage image = buildTestImage(scratch / "image");
  TestRegistry registry(scratch / "registry");
  pushTestImage(image, registry.hostPort());

  RegistryClient client(testOptions(scratch / "certs.d"));
  const std::string host = registry.hostPort();
  const PullSource app = source(host + "/test/app:v1", true);

  SUBCASE("manifest by tag and by digest, config and streamed layer") {
    const FetchedManifest byTag = client.fetchManifest(app);
    CHECK(byTag.mediaType == mediatype::kOciManifest);
    CHECK(byTag.digest.str() == image.amd64ManifestDigest);
    const ImageManifest manifest = parseImageManifest(byTag.bytes, byTag.mediaType);
    REQUIRE(manifest.layers.size() == 1);
    CHECK(manifest.layers[0].compression == LayerCompression::Gzip);
    CHECK(manifest.layers[0].descriptor.digest.str() == image.layerDigest);

    const FetchedManifest byDigest = client.fetchManifest(source(host + "/test/app@" + image.amd64ManifestDigest, true));
    CHECK(byDigest.bytes == byTag.bytes);
    CHECK(client.fetchManifest(app, byTag.digest).digest == byTag.digest);

    const auto head = client.headManifest(app);
    REQUIRE(head.has_value());
    CHECK(head->digest.str() == image.amd64ManifestDigest);
    CHECK(head->size == static_cast<std::int64_t>(byTag.bytes.size()));
    CHECK_FALSE(client.headManifest(source(host + "/test/app:missing", true)).has_value());

    const ImageConfig config =
        parseImageConfig(client.fetchBlobBytes(app, manifest.config, kMaxImageConfigBytes));
    CHECK(config.architecture == "amd64");
    CHECK(config.config.cmd == std::vector<std::string>{"/hello"});
    REQUIRE(config.diffIds.size() == 1);
    CHECK(config.diffIds[0].str() == image.diffId);

    std::string layer;
    int chunks = 0;
    client.fetchBlob(app, manifest.layers[0].descriptor, [&](std::string_view chunk) {
      layer.append(chunk);
      ++chunks;
    });
    CHECK(layer == image.layerBytes);
    CHECK(chunks > 1);  // streamed, not handed over in one piece
  }

  SUBCASE("a multi-platform index and platform selection") {
    const PullSource multi = source(host + "/test/multi:v1", true);
    const FetchedManifest fetched = client.fetchManifest(multi);
    CHECK(fetched.mediaType == mediatype::kOciIndex);
    CHECK(fetched.digest.str() == image.indexDigest);
    const ImageIndex index = parseImageIndex(fetched.bytes, fetched.mediaType);
    const Descriptor& amd64 = selectManifestForPlatform(index, {.os = "linux", .architecture = "amd64"});
    CHECK(amd64.digest.str() == image.amd64ManifestDigest);
    const Descriptor& arm64 = selectManifestForPlatform(index, {.os = "linux", .architecture = "arm64"});
    CHECK(arm64.digest.str() == image.arm64ManifestDigest);
    const FetchedManifest child = client.fetchManifest(multi, arm64.digest);
    CHECK(child.mediaType == mediatype::kOciManifest);
    const crix::Error none =
        errorOf([&] { selectManifestForPlatform(index, {.os = "linux", .architecture = "riscv64"}); });
    CHECK(none.code() == StatusCode::NotFound);
    CHECK(contains(none, "linux/arm64/v8") == "yes");
  }

  SUBCASE("unknown tags and repositories are NotFound") {
    CHECK(errorOf([&] { client.fetchManifest(source(host + "/test/app:nope", true)); }).code() == StatusCode::NotFound);
    const crix::Error e = errorOf([&] { client.fetchManifest(source(host + "/test/none:v1", true)); });
    CHECK(e.code() == StatusCode::NotFound);
    CHECK(contains(e, "test/none") == "yes");
  }

  SUBCASE("a blob whose bytes do not match its digest is DataLoss") {
    const ImageManifest manifest = parseImageManifest(client.fetchManifest(app).bytes, mediatype::kOciManifest);
    const Descriptor& layer = manifest.layers[0].descriptor;
    const fs::path data = registry.blobDataPath(layer.digest.hex());
    REQUIRE(fs::exists(data));
    std::string bytes = readFile(data);
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x5a);
    writeFile(data, bytes);
    const crix::Error e = errorOf([&] { client.fetchBlob(app, layer, [](std::string_view) {}); });
    CHECK(e.code() == StatusCode::DataLoss);
    CHECK(contains(e, "expected " + layer.digest.str()) == "yes");
    CHECK(contains(e, "got sha256:") == "yes");

    // A descriptor that lies about the size is caught too.
    Descriptor shorter = manifest.config;
    shorter.size -= 1;
    CHECK(errorOf([&] { client.fetchBlob(app, shorter, [](std::string_view) {}); }).code() == StatusCode::DataLoss);
  }

  SUBCASE("a sink that throws aborts the download with its own error") {
    const ImageManifest manifest = parseImageManifest(client.fetchManifest(app).bytes, mediatype::kOciManifest);
    const crix::Error e = errorOf([&] {
      client.fetchBlob(app, manifest.layers[0].descriptor,
                       [](std::string_view) { throw crix::Error::internal("disk full"); });
    });
    CHECK(e.code() == StatusCode::Internal);
    CHECK(contains(e, "disk full") == "yes");
  }

  SUBCASE("concurrent pulls share one client") {
    std::vector<std::thread> threads;
    std::atomic<int> good{0};
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        try {
          const FetchedManifest m = client.fetchManifest(app);
          const ImageManifest manifest = parseImageManifest(m.bytes, m.mediaType);
          std::size_t total = 0;
          client.fetchBlob(app, manifest.layers[0].descriptor, [&](std::string_view c) { total += c.size(); });
          if (total == image.layerBytes.size()) ++good;
        } catch (const std::exception& e) {
          MESSAGE(e.what());
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(good == 4);
  }

  SUBCASE("a plain HTTP registry is refused unless it is marked insecure") {
    RegistryClient strict(testOptions(scratch / "certs.d"));
    const crix::Error e = errorOf([&] { strict.fetchManifest(source(host + "/test/app:v1", false)); });
    CHECK(e.code() == StatusCode::Unavailable);
    CHECK(contains(e, "registry " + host) == "yes");
    CHECK(contains(e, "mark it insecure") == "yes");
  }
}

TEST_CASE("htpasswd Basic authentication") {
  if (!toolsPresent()) return;
  if (::access("/usr/bin/htpasswd", X_OK) != 0) {
    FAIL_CHECK("missing tool, the test cannot run: htpasswd (apache2-utils) is not installed");
    return;
  }
  TempDir scratch;
  const TestImage image = buildTestImage(scratch / "image");
  const fs::path htpasswd = scratch.write("htpasswd", runChecked({"/usr/bin/htpasswd", "-Bbn", "crix", "s3cret"}));
  TestRegistry registry(scratch / "registry", {.htpasswd = htpasswd});
  pushTestImage(image, registry.hostPort(), "crix:s3cret");
  const std::string host = registry.hostPort();
  const PullSource app = source(host + "/test/app:v1", true);

  SUBCASE("without credentials: Unauthenticated saying what to do") {
    RegistryClient client(testOptions(scratch / "certs.d"));
    const crix::Error e = errorOf([&] { client.fetchManifest(app); });
    CHECK(e.code() == StatusCode::Unauthenticated);
    CHECK(contains(e, "registry " + host + " requires authentication for repository test/app") == "yes");
    CHECK(contains(e, "provide credentials") == "yes");
  }

  SUBCASE("with wrong credentials: Unauthenticated naming the user") {
    RegistryClient client(testOptions(scratch / "certs.d"));
    const crix::Error e =
        errorOf([&] { client.fetchManifest(app, AuthConfig{.username = "crix", .password = "wrong"}); });
    CHECK(e.code() == StatusCode::Unauthenticated);
    CHECK(contains(e, "rejected user \"crix\"") == "yes");
  }

  SUBCASE("with CRI credentials") {
    RegistryClient client(testOptions(scratch / "certs.d"));
    const AuthConfig auth{.auth = base64Encode("crix:s3cret")};
    CHECK(pullWholeImage(client, app, image, auth) == image.amd64ManifestDigest);
  }

  SUBCASE("with an auth file entry") {
    RegistryClientOptions options = testOptions(scratch / "certs.d");
    options.authFile = scratch.write("auth.json", R"({"auths":{")" + host + R"(/test":{"auth":")" +
                                                      base64Encode("crix:s3cret") + R"("}}})");
    RegistryClient client(options);
    CHECK(pullWholeImage(client, app, image) == image.amd64ManifestDigest);
    // The entry is for test/*, not for other repositories.
    const crix::Error e = errorOf([&] { client.fetchManifest(source(host + "/other/app:v1", true)); });
    CHECK(e.code() == StatusCode::Unauthenticated);
  }
}

TEST_CASE("TLS with certs.d") {
  if (!toolsPresent()) return;
  TempDir scratch;
  const TestImage image = buildTestImage(scratch / "image");
  const Certificates certs = makeCertificates(scratch / "pki");

  SUBCASE("server certificate signed by a CA from certs.d") {
    TestRegistry registry(scratch / "registry",
                          {.tlsCertificate = certs.serverCert, .tlsKey = certs.serverKey});
    pushTestImage(image, registry.hostPort());
    const std::string host = registry.hostPort();
    const PullSource app = source(host + "/test/app:v1", false);

    const fs::path emptyCerts = scratch / "empty-certs.d";
    RegistryClient untrusting(testOptions(emptyCerts));
    const crix::Error e = errorOf([&] { untrusting.fetchManifest(app); });
    CHECK(e.code() == StatusCode::Unavailable);
    CHECK(contains(e, "is not trusted") == "yes");
    CHECK(contains(e, (emptyCerts / host / "ca.crt").string()) == "yes");

    const fs::path certsDir = scratch / "certs.d";
    fs::create_directories(certsDir / host);
    fs::copy_file(certs.caCert, certsDir / host / "ca.crt");
    RegistryClient trusting(testOptions(certsDir));
    CHECK(pullWholeImage(trusting, app, image) == image.amd64ManifestDigest);

    // Insecure: TLS without verification works without the CA.
    RegistryClient insecure(testOptions(emptyCerts));
    CHECK(pullWholeImage(insecure, source(host + "/test/app:v1", true), image) == image.amd64ManifestDigest);
  }

  SUBCASE("client certificates from certs.d") {
    TestRegistry registry(scratch / "registry",
                          {.tlsCertificate = certs.serverCert, .tlsKey = certs.serverKey, .clientCa = certs.caCert});
    const std::string host = registry.hostPort();
    const fs::path pushCerts = scratch / "push-certs";
    fs::create_directories(pushCerts);
    fs::copy_file(certs.clientCert, pushCerts / "client.cert");
    fs::copy_file(certs.clientKey, pushCerts / "client.key");
    fs::copy_file(certs.caCert, pushCerts / "ca.crt");
    pushTestImage(image, host, "", pushCerts.string());
    const PullSource app = source(host + "/test/app:v1", false);

    const fs::path caOnly = scratch / "ca-only";
    fs::create_directories(caOnly / host);
    fs::copy_file(certs.caCert, caOnly / host / "ca.crt");
    RegistryClient anonymous(testOptions(caOnly));
    CHECK(errorOf([&] { anonymous.fetchManifest(app); }).code() == StatusCode::Unavailable);

    const fs::path withClient = scratch / "with-client";
    fs::create_directories(withClient);
    fs::copy(pushCerts, withClient / host);
    RegistryClient client(testOptions(withClient));
    CHECK(pullWholeImage(client, app, image) == image.amd64ManifestDigest);

    // A certificate without its key is a configuration error.
    const fs::path broken = scratch / "broken";
    fs::create_directories(broken / host);
    fs::copy_file(certs.clientCert, broken / host / "client.cert");
    RegistryClient misconfigured(testOptions(broken));
    CHECK(errorOf([&] { misconfigured.fetchManifest(app); }).code() == StatusCode::FailedPrecondition);
  }
}

TEST_CASE("a registry that accepts connections but never answers times out") {
  // A listening socket nobody accepts on: the kernel completes the handshake,
  // then nothing ever comes back.
  const LoopbackListener silent = listenOnLoopback(8);
  const std::string host = "127.0.0.1:" + std::to_string(silent.port);

  RegistryClientOptions options;
  options.certsDirectories = {};
  // The TLS handshake is bounded by the connect timeout, the plain HTTP
  // request (insecure fallback) by the low-speed limit.
  options.timeouts.connect = std::chrono::seconds(2);
  options.timeouts.lowSpeedTime = std::chrono::seconds(1);
  RegistryClient client(options);
  const auto started = std::chrono::steady_clock::now();
  const crix::Error e = errorOf([&] { client.fetchManifest(source(host + "/x:1", true)); });
  CHECK(e.code() == StatusCode::Unavailable);
  CHECK(contains(e, "registry " + host + " is unreachable over https") == "yes");
  CHECK(contains(e, "timed out") == "yes");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(8));
}

TEST_CASE("a registry that is not there fails fast and clearly") {
  RegistryClientOptions options;
  options.certsDirectories = {};
  options.timeouts.connect = std::chrono::seconds(2);
  RegistryClient client(options);
  const int port = freeLoopbackPort();
  const std::string host = "127.0.0.1:" + std::to_string(port);
  const auto started = std::chrono::steady_clock::now();
  const crix::Error e = errorOf([&] { client.fetchManifest(source(host + "/x:1", true)); });
  CHECK(e.code() == StatusCode::Unavailable);
  CHECK(contains(e, "registry " + host + " is unreachable") == "yes");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("Bearer token authentication through a token service") {
  if (!toolsPresent()) return;
  TempDir scratch;
  const TestImage image = buildTestImage(scratch / "image");
  TokenServer tokens(scratch / "token");
  TestRegistry registry(scratch / "registry", {.tokenRealm = tokens.realm(),
                                               .tokenService = TokenServer::kService,
                                               .tokenIssuer = TokenServer::kIssuer,
                                               .tokenSigner = tokens.signingCertificate()});
  const std::string host = registry.hostPort();
  const std::string creds = std::string(TokenServer::kUser) + ":" + TokenServer::kPassword;
  pushTestImage(image, host, creds);
  runChecked({"/usr/bin/skopeo", "--insecure-policy", "copy", "--dest-tls-verify=false", "--dest-creds=" + creds,
              "oci:" + image.layout.string() + ":single", "docker://" + host + "/public/app:v1"},
             std::chrono::seconds(120));
  const PullSource privateApp = source(host + "/test/app:v1", true);
  const RegistryClientOptions options = testOptions(scratch / "certs.d");

  SUBCASE("anonymous tokens for a public repository") {
    RegistryClient client(options);
    const int before = tokens.requests();
    CHECK(pullWholeImage(client, source(host + "/public/app:v1", true), image) == image.amd64ManifestDigest);
    CHECK(tokens.requests() - before == 1);  // one token, reused for manifest, config and layer
  }

  SUBCASE("anonymous access to a private repository: Unauthenticated") {
    RegistryClient client(options);
    const crix::Error e = errorOf([&] { client.fetchManifest(privateApp); });
    CHECK(e.code() == StatusCode::Unauthenticated);
    CHECK(contains(e, "requires authentication for repository test/app") == "yes");
  }

  SUBCASE("username and password exchanged for a token") {
    RegistryClient client(options);
    const int before = tokens.requests();
    const AuthConfig auth{.username = TokenServer::kUser, .password = TokenServer::kPassword};
    CHECK(pullWholeImage(client, privateApp, image, auth) == image.amd64ManifestDigest);
    CHECK(tokens.requests() - before == 1);
    CHECK(tokens.methods().back() == "GET");

    // The cached token belongs to that identity only.
    const crix::Error anonymous = errorOf([&] { client.fetchManifest(privateApp); });
    CHECK(anonymous.code() == StatusCode::Unauthenticated);
    const crix::Error wrong = errorOf([&] {
      client.fetchManifest(privateApp, AuthConfig{.username = TokenServer::kUser, .password = "wrong"});
    });
    CHECK(wrong.code() == StatusCode::Unauthenticated);
    CHECK(contains(wrong, "rejected user \"crix\"") == "yes");
  }

  SUBCASE("an identity token goes through the OAuth2 POST flow") {
    RegistryClient client(options);
    CHECK(pullWholeImage(client, privateApp, image, AuthConfig{.identityToken = TokenServer::kRefreshToken}) ==
          image.amd64ManifestDigest);
    CHECK(tokens.methods().back() == "POST");
  }

  SUBCASE("a registry token is sent as is") {
    RegistryClient client(options);
    const int before = tokens.requests();
    const AuthConfig auth{.registryToken = tokens.mint(TokenServer::kUser, "test/app", "pull")};
    CHECK(pullWholeImage(client, privateApp, image, auth) == image.amd64ManifestDigest);
    CHECK(tokens.requests() == before);
    const crix::Error e = errorOf([&] {
      client.fetchManifest(source(host + "/test/multi:v1", true), auth);
    });
    CHECK(e.code() == StatusCode::Unauthenticated);
  }
}

}  // TEST_SUITE

#include <doctest/doctest.h>

#include <string>

#include "core/Error.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/MediaTypes.h"
#include "storage/registry/PlatformMatcher.h"
#include "tests/support/ErrorOf.h"

using crix::StatusCode;
using namespace crix::registry;
using crix::test::codeOf;

namespace {

std::string digestOf(char c) { return "sha256:" + std::string(64, c); }

std::string descriptorJson(const std::string& mediaType, const std::string& digest, const std::string& extra = "") {
  return R"({"mediaType":")" + mediaType + R"(","digest":")" + digest + R"(","size":1234)" + extra + "}";
}

std::string ociManifest(const std::string& layers) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
         descriptorJson(std::string(mediatype::kOciConfig), digestOf('c')) + R"(,"layers":[)" + layers + "]}";
}

std::string platformEntry(char d, const std::string& platform) {
  return descriptorJson(std::string(mediatype::kOciManifest), digestOf(d), R"(,"platform":)" + platform);
}

std::string ociIndex(const std::string& entries) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)" + entries + "]}";
}

}  // namespace

TEST_SUITE("registry/Manifest") {

TEST_CASE("an OCI manifest gives config and ordered layers with compression") {
  const auto m = parseImageManifest(
      ociManifest(descriptorJson(std::string(mediatype::kOciLayerGzip), digestOf('1')) + "," +
                  descriptorJson(std::string(mediatype::kOciLayerZstd), digestOf('2')) + "," +
                  descriptorJson(std::string(mediatype::kOciLayer), digestOf('3'))),
      mediatype::kOciManifest);
  CHECK(m.config.digest.str() == digestOf('c'));
  REQUIRE(m.layers.size() == 3);
  CHECK(m.layers[0].compression == LayerCompression::Gzip);
  CHECK(m.layers[1].compression == LayerCompression::Zstd);
  CHECK(m.layers[2].compression == LayerCompression::None);
  CHECK(m.layers[0].descriptor.digest.str() == digestOf('1'));
  CHECK(m.layers[0].descriptor.size == 1234);
}

TEST_CASE("a Docker schema 2 manifest with a foreign layer") {
  const std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":)" +
      descriptorJson(std::string(mediatype::kDockerConfig), digestOf('c')) + R"(,"layers":[)" +
      descriptorJson(std::string(mediatype::kDockerLayerGzip), digestOf('1')) + "," +
      descriptorJson(std::string(mediatype::kDockerForeignLayerGzip), digestOf('2'),
                     R"(,"urls":["https://example.com/layer"])") +
      "]}";
  const auto m = parseImageManifest(body, mediatype::kDockerManifest);
  REQUIRE(m.layers.size() == 2);
  CHECK_FALSE(m.layers[0].nonDistributable);
  CHECK(m.layers[1].nonDistributable);
  CHECK(m.layers[1].descriptor.urls == std::vector<std::string>{"https://example.com/layer"});
}

TEST_CASE("media type detection and schema 1 refusal") {
  const std::string manifest = ociManifest("");
  CHECK(detectManifestMediaType("application/vnd.oci.image.manifest.v1+json; charset=utf-8", manifest) ==
        mediatype::kOciManifest);
  CHECK(detectManifestMediaType("application/json", manifest) == mediatype::kOciManifest);
  CHECK(detectManifestMediaType("", R"({"schemaVersion":2,"manifests":[]})") == mediatype::kOciIndex);

  for (const char* type : {"application/vnd.docker.distribution.manifest.v1+json",
                           "application/vnd.docker.distribution.manifest.v1+prettyjws"}) {
    try {
      detectManifestMediaType(type, R"({"schemaVersion":1})");
      FAIL("schema 1 accepted");
    } catch (const crix::Error& e) {
      CHECK(e.code() == StatusCode::FailedPrecondition);
      CHECK(std::string(e.what()).find("schema 1 manifests are not supported") != std::string::npos);
    }
  }
  CHECK(codeOf([] { detectManifestMediaType("application/json", R"({"schemaVersion":1,"fsLayers":[]})"); }) ==
        StatusCode::FailedPrecondition);
  CHECK(codeOf([] { parseManifest(R"({"schemaVersion":1})", mediatype::kDockerSchema1); }) ==
        StatusCode::FailedPrecondition);
  CHECK(codeOf([] { detectManifestMediaType("application/vnd.oci.artifact.manifest.v1+json", "{}"); }) ==
        StatusCode::FailedPrecondition);
}

TEST_CASE("hostile manifests are refused") {
  const std::string layer = std::string(mediatype::kOciLayerGzip);
  const std::string bad[] = {
      // digests that would escape a blob directory or are not verifiable
      ociManifest(descriptorJson(layer, "sha256:../../../../etc/passwd")),
      ociManifest(descriptorJson(layer, "sha256:" + std::string(63, 'a'))),
      ociManifest(descriptorJson(layer, "sha256:" + std::string(64, 'A'))),
      ociManifest(descriptorJson(layer, "sha1:" + std::string(40, 'a'))),
      // sizes
      ociManifest(R"({"mediaType":")" + layer + R"(","digest":")" + digestOf('1') + R"(","size":-1})"),
      ociManifest(R"({"mediaType":")" + layer + R"(","digest":")" + digestOf('1') + R"(","size":1.5})"),
      ociManifest(R"({"mediaType":")" + layer + R"(","digest":")" + digestOf('1') + R"(","size":"12"})"),
      ociManifest(R"({"mediaType":")" + layer + R"(","digest":")" + digestOf('1') + R"("})"),
      // structure
      R"({"schemaVersion":3,"config":{},"layers":[]})",
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","config":)" +
          descriptorJson(std::string(mediatype::kOciConfig), digestOf('c')) + R"(,"layers":[]})",
      R"({"schemaVersion":2,"manifests":[],"config":)" + descriptorJson(std::string(mediatype::kOciConfig), digestOf('c')) +
          R"(,"layers":[]})",
      "[1,2,3]",
      "{",
  };
  for (const auto& body : bad) {
    CAPTURE(body);
    CHECK(codeOf([&] { parseImageManifest(body, mediatype::kOciManifest); }) == StatusCode::InvalidArgument);
  }
  const std::string huge = ociManifest("") + std::string(kMaxManifestBytes, ' ');
  CHECK(codeOf([&] { parseImageManifest(huge, mediatype::kOciManifest); }) == StatusCode::InvalidArgument);
  // Not a runnable image.
  const std::string helm =
      R"({"schemaVersion":2,"config":)" + descriptorJson("application/vnd.cncf.helm.config.v1+json", digestOf('c')) +
      R"(,"layers":[]})";
  CHECK(codeOf([&] { parseImageManifest(helm, mediatype::kOciManifest); }) == StatusCode::FailedPrecondition);
  CHECK(codeOf([&] { parseImageManifest(ociManifest(descriptorJson("application/x-thing", digestOf('1'))),
                                        mediatype::kOciManifest); }) == StatusCode::FailedPrecondition);
  CHECK(codeOf([&] {
          parseImageManifest(ociManifest(descriptorJson("application/vnd.oci.image.layer.v1.tar+gzip+encrypted",
                                                        digestOf('1'))),
                             mediatype::kOciManifest);
        }) == StatusCode::Unimplemented);
}

TEST_CASE("index parsing and platform selection") {
  const std::string body = ociIndex(
      platformEntry('a', R"({"architecture":"amd64","os":"linux"})") + "," +
      platformEntry('b', R"({"architecture":"arm64","os":"linux","variant":"v8"})") + "," +
      platformEntry('c', R"({"architecture":"arm","os":"linux","variant":"v6"})") + "," +
      platformEntry('d', R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763.1"})") + "," +
      descriptorJson(std::string(mediatype::kOciManifest), digestOf('e'),
                     R"(,"platform":{"architecture":"unknown","os":"unknown"},)"
                     R"("annotations":{"vnd.docker.reference.type":"attestation-manifest"})"));
  const auto index = parseImageIndex(body, mediatype::kOciIndex);
  REQUIRE(index.manifests.size() == 5);
  CHECK(index.manifests[3].platform->osVersion == "10.0.17763.1");

  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "amd64"}).digest.str() == digestOf('a'));
  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "x86_64"}).digest.str() == digestOf('a'));
  // arm64 and arm64/v8 are the same platform
  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "arm64"}).digest.str() == digestOf('b'));
  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "aarch64", .variant = "v8"}).digest.str() ==
        digestOf('b'));
  // an arm/v7 machine runs v6 images
  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "arm", .variant = "v7"}).digest.str() ==
        digestOf('c'));
  CHECK(selectManifestForPlatform(index, {.os = "windows", .architecture = "amd64"}).digest.str() == digestOf('d'));

  try {
    selectManifestForPlatform(index, {.os = "linux", .architecture = "s390x"});
    FAIL("no s390x entry exists");
  } catch (const crix::Error& e) {
    CHECK(e.code() == StatusCode::NotFound);
    const std::string message = e.what();
    CHECK(message.find("linux/s390x") != std::string::npos);
    CHECK(message.find("linux/amd64") != std::string::npos);
    CHECK(message.find("linux/arm64/v8") != std::string::npos);
  }
}

TEST_CASE("a Docker manifest list parses and exact variants win") {
  const std::string body =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[)" +
      descriptorJson(std::string(mediatype::kDockerManifest), digestOf('5'),
                     R"(,"platform":{"architecture":"arm","os":"linux","variant":"v5"})") +
      "," +
      descriptorJson(std::string(mediatype::kDockerManifest), digestOf('7'),
                     R"(,"platform":{"architecture":"arm","os":"linux","variant":"v7"})") +
      "]}";
  const auto list = parseImageIndex(body, mediatype::kDockerManifestList);
  CHECK(selectManifestForPlatform(list, {.os = "linux", .architecture = "arm", .variant = "v7"}).digest.str() ==
        digestOf('7'));
  CHECK(selectManifestForPlatform(list, {.os = "linux", .architecture = "armhf"}).digest.str() == digestOf('7'));
  CHECK(selectManifestForPlatform(list, {.os = "linux", .architecture = "arm", .variant = "v6"}).digest.str() ==
        digestOf('5'));
  // Docker lists must say what they are.
  CHECK(codeOf([] { parseImageIndex(R"({"schemaVersion":2,"manifests":[]})", mediatype::kDockerManifestList); }) ==
        StatusCode::InvalidArgument);
  CHECK(codeOf([] { parseImageIndex(R"({"schemaVersion":2,"manifests":[{"digest":"sha256:x"}]})", mediatype::kOciIndex); }) ==
        StatusCode::InvalidArgument);
}

TEST_CASE("entries without a platform are a last resort") {
  const auto index = parseImageIndex(
      ociIndex(descriptorJson(std::string(mediatype::kOciManifest), digestOf('f'))), mediatype::kOciIndex);
  CHECK(selectManifestForPlatform(index, {.os = "linux", .architecture = "amd64"}).digest.str() == digestOf('f'));
}

TEST_CASE("the host platform is normalized") {
  const Platform host = hostPlatform();
  CHECK(host.os == "linux");
  CHECK_FALSE(host.architecture.empty());
  CHECK(host.architecture != "x86_64");
  CHECK(host.architecture != "aarch64");
  CHECK(normalizePlatform({.os = "Linux", .architecture = "arm"}).variant == "v7");
}

}  // TEST_SUITE

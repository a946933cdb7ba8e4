#include <doctest/doctest.h>

#include <string>

#include "core/Error.h"
#include "storage/registry/ImageReference.h"

using crix::StatusCode;
using crix::registry::ImageReference;

namespace {

const std::string kHex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

struct NormalizationCase {
  std::string input;
  std::string canonical;
  bool shortName;
};

struct RejectionCase {
  std::string input;
  std::string messagePart;
};

}  // namespace

TEST_SUITE("registry/ImageReference") {

TEST_CASE("references normalize like docker and Kubernetes") {
  const NormalizationCase cases[] = {
      {"busybox", "docker.io/library/busybox:latest", true},
      {"busybox:1.36", "docker.io/library/busybox:1.36", true},
      {"library/busybox", "docker.io/library/busybox:latest", true},
      {"foo/bar", "docker.io/foo/bar:latest", true},
      {"foo/bar/baz:v1", "docker.io/foo/bar/baz:v1", true},
      {"docker.io/busybox", "docker.io/library/busybox:latest", false},
      {"docker.io/library/busybox:latest", "docker.io/library/busybox:latest", false},
      {"index.docker.io/busybox", "docker.io/library/busybox:latest", false},
      {"docker.io/foo/bar", "docker.io/foo/bar:latest", false},
      {"quay.io/prometheus/node-exporter:v1.8.0", "quay.io/prometheus/node-exporter:v1.8.0", false},
      {"registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9", false},
      {"localhost/x", "localhost/x:latest", false},
      {"localhost:5000/x", "localhost:5000/x:latest", false},
      {"127.0.0.1:5000/x:tag", "127.0.0.1:5000/x:tag", false},
      {"[::1]:5000/x", "[::1]:5000/x:latest", false},
      {"Example.COM/team/app", "Example.COM/team/app:latest", false},
      {"busybox@sha256:" + kHex, "docker.io/library/busybox@sha256:" + kHex, true},
      {"busybox:1.36@sha256:" + kHex, "docker.io/library/busybox:1.36@sha256:" + kHex, true},
      {"quay.io/a/b@sha256:" + kHex, "quay.io/a/b@sha256:" + kHex, false},
      {"a.b/c_d/e__f/g-h/i---j.k:T_a-g.1", "a.b/c_d/e__f/g-h/i---j.k:T_a-g.1", false},
      {"localhost:5000", "docker.io/library/localhost:5000", true},
      {"my-registry.local:443/ns/img:_x", "my-registry.local:443/ns/img:_x", false},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    const auto ref = ImageReference::parse(c.input);
    CHECK(ref.str() == c.canonical);
    CHECK(ref.isShortName() == c.shortName);
  }
}

TEST_CASE("references are refused with a message saying why") {
  const RejectionCase cases[] = {
      {"", "empty"},
      {"Busybox", "must be lowercase"},
      {"docker.io/Library/busybox", "must be lowercase"},
      {"busybox@sha256:abc", "64 hex"},
      {"busybox@sha256:" + std::string(64, 'A'), "lowercase hexadecimal"},
      {"busybox@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm"},
      {"busybox@", "invalid digest"},
      {"busybox:", "tag"},
      {"busybox:-bad", "tag"},
      {"busybox:" + std::string(129, 'a'), "tag"},
      {kHex, "image ID"},
      {"foo//bar", "path component"},
      {"foo/bar/", "path component"},
      {"-foo", "path component"},
      {"foo..bar", "path component"},
      {"quay.io/", "repository"},
      {"host:port/x", "host[:port]"},
      {"exa_mple.com/x", "host[:port]"},
      {"a b", "path component"},
      {"quay.io/" + std::string(250, 'a'), "255"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.input);
    try {
      ImageReference::parse(c.input);
      FAIL("accepted an invalid reference");
    } catch (const crix::Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
      CHECK(std::string(e.what()).find(c.messagePart) != std::string::npos);
    }
  }
}

TEST_CASE("parts, API host and manifest reference") {
  const auto ref = ImageReference::parse("busybox:1.36");
  CHECK(ref.registry() == "docker.io");
  CHECK(ref.repository() == "library/busybox");
  CHECK(ref.tag() == "1.36");
  CHECK_FALSE(ref.digest().has_value());
  CHECK(ref.name() == "docker.io/library/busybox");
  CHECK(ref.apiHost() == "registry-1.docker.io");
  CHECK(ref.manifestReference() == "1.36");
  CHECK(ref.pathAsWritten() == "busybox");

  const auto local = ImageReference::parse("127.0.0.1:5000/x:tag");
  CHECK(local.apiHost() == "127.0.0.1:5000");
}

TEST_CASE("a digest wins over a tag for fetching but the tag is kept") {
  const auto ref = ImageReference::parse("quay.io/a/b:v1@sha256:" + kHex);
  CHECK(ref.tag() == "v1");
  REQUIRE(ref.digest().has_value());
  CHECK(ref.manifestReference() == "sha256:" + kHex);
  const auto digestOnly = ImageReference::parse("quay.io/a/b@sha256:" + kHex);
  CHECK(digestOnly.tag().empty());
}

TEST_CASE("a short name can be placed on another registry") {
  const auto ref = ImageReference::parse("busybox:1.36");
  CHECK(ref.onRegistry("quay.io").str() == "quay.io/busybox:1.36");
  CHECK(ref.onRegistry("docker.io").str() == "docker.io/library/busybox:1.36");
  CHECK(ref.onRegistry("localhost:5000").str() == "localhost:5000/busybox:1.36");
  CHECK_FALSE(ref.onRegistry("quay.io").isShortName());
  CHECK(ImageReference::parse("foo/bar").onRegistry("quay.io").str() == "quay.io/foo/bar:latest");
}

TEST_CASE("parseQualified takes the first component as the registry") {
  CHECK(ImageReference::parseQualified("mirror/library/busybox:1").registry() == "mirror");
  CHECK(ImageReference::parseQualified("docker.io/busybox").str() == "docker.io/library/busybox:latest");
  CHECK_THROWS_AS(ImageReference::parseQualified("busybox"), crix::Error);
}

TEST_CASE("withDigest pins a reference") {
  const auto ref = ImageReference::parse("quay.io/a/b:v1");
  const auto pinned = ref.withDigest(crix::digest::Digest::parse("sha256:" + kHex));
  CHECK(pinned.str() == "quay.io/a/b@sha256:" + kHex);
}

}  // TEST_SUITE

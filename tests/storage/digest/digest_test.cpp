#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/Error.h"
#include "storage/digest/Digest.h"
#include "storage/digest/DigestHasher.h"

using crix::StatusCode;
using crix::digest::Digest;
using crix::digest::DigestAlgorithm;
using crix::digest::DigestHasher;

TEST_SUITE("storage/digest") {

TEST_CASE("digests parse strictly") {
  const std::string hex(64, 'a');
  const auto d = Digest::parse("sha256:" + hex);
  CHECK(d.algorithm() == DigestAlgorithm::Sha256);
  CHECK(d.hex() == hex);
  CHECK(d.str() == "sha256:" + hex);
  CHECK(Digest::parse("sha512:" + std::string(128, '0')).algorithm() == DigestAlgorithm::Sha512);

  const std::vector<std::string> bad = {std::string("sha256:") + std::string(63, 'a'), "sha256:" + std::string(65, 'a'),
                                "sha256:" + std::string(64, 'A'), "sha256:../../../../etc/passwd",
                                "sha512:" + std::string(64, 'a'), "md5:" + std::string(32, 'a'), std::string(64, 'a'),
                                std::string("sha256:") + std::string(62, 'a') + "/x", std::string()};
  for (const std::string& text : bad) {
    CAPTURE(text);
    CHECK_FALSE(Digest::tryParse(text).has_value());
    CHECK_THROWS_AS(Digest::parse(text), crix::Error);
  }
}

TEST_CASE("hashing matches known SHA-256 and SHA-512 values") {
  CHECK(DigestHasher::digestOf(DigestAlgorithm::Sha256, "").str() ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  DigestHasher streamed(DigestAlgorithm::Sha256);
  streamed.update("ab");
  streamed.update("c");
  CHECK(streamed.finish().str() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(DigestHasher::digestOf(DigestAlgorithm::Sha512, "abc").hex().starts_with("ddaf35a193617aba"));
}

TEST_CASE("a digest mismatch is DataLoss naming both digests") {
  const auto expected = DigestHasher::digestOf(DigestAlgorithm::Sha256, "a");
  const auto actual = DigestHasher::digestOf(DigestAlgorithm::Sha256, "b");
  try {
    crix::digest::verifyDigest(expected, actual, "blob x");
    FAIL("mismatch accepted");
  } catch (const crix::Error& e) {
    CHECK(e.code() == StatusCode::DataLoss);
    CHECK(std::string(e.what()).find(expected.str()) != std::string::npos);
    CHECK(std::string(e.what()).find(actual.str()) != std::string::npos);
  }
  CHECK_NOTHROW(crix::digest::verifyDigest(expected, expected, "blob x"));
}

}  // TEST_SUITE

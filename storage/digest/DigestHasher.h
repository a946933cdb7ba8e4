// Incremental SHA-256/SHA-512 over streamed bytes (OpenSSL EVP), so blobs can
// be verified, and layer tars given their diff_id, while they pass through
// without being buffered.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "storage/digest/Digest.h"

namespace crix::digest {

class DigestHasher {
 public:
  explicit DigestHasher(DigestAlgorithm algorithm);
  ~DigestHasher();
  DigestHasher(const DigestHasher&) = delete;
  DigestHasher& operator=(const DigestHasher&) = delete;
  DigestHasher(DigestHasher&&) noexcept;
  DigestHasher& operator=(DigestHasher&&) noexcept;

  void update(std::string_view bytes);
  void update(std::span<const std::byte> bytes) {
    update(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  }
  // Ends the computation; the hasher cannot be updated afterwards.
  Digest finish();

  static Digest digestOf(DigestAlgorithm algorithm, std::string_view bytes);

 private:
  struct Context;
  DigestAlgorithm algorithm_;
  std::unique_ptr<Context> context_;
};

// Throws DataLoss naming both digests when they differ; `what` says which
// object was checked ("blob sha256:… from host/repo").
void verifyDigest(const Digest& expected, const Digest& actual, const std::string& what);

}  // namespace crix::digest

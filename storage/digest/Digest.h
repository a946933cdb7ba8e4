// A content digest "algorithm:hex" as used by OCI descriptors and the
// distribution API. Digests end up in file paths and URLs, so parsing is
// strict: only the algorithms we can verify, lowercase hex of the exact length.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace crix::digest {

enum class DigestAlgorithm { Sha256, Sha512 };

std::string_view digestAlgorithmName(DigestAlgorithm algorithm);

class Digest {
 public:
  // Throws InvalidArgument naming what is wrong with `text`.
  static Digest parse(std::string_view text);
  static std::optional<Digest> tryParse(std::string_view text);
  static Digest fromParts(DigestAlgorithm algorithm, std::string hex);

  DigestAlgorithm algorithm() const { return algorithm_; }
  const std::string& hex() const { return hex_; }
  std::string str() const;

  friend bool operator==(const Digest&, const Digest&) = default;

 private:
  Digest(DigestAlgorithm algorithm, std::string hex) : algorithm_(algorithm), hex_(std::move(hex)) {}

  DigestAlgorithm algorithm_ = DigestAlgorithm::Sha256;
  std::string hex_;
};

}  // namespace crix::digest

#include "storage/digest/Digest.h"

#include <utility>

#include "core/Error.h"

namespace crix::digest {

namespace {

std::size_t hexLength(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::Sha256 ? 64 : 128;
}

bool isLowerHex(std::string_view s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// Returns an explanation when `text` is not acceptable, nothing when it is.
std::optional<std::string> checkDigest(std::string_view text, DigestAlgorithm& algorithm) {
  const auto colon = text.find(':');
  if (colon == std::string_view::npos) return "missing the 'algorithm:' part";
  const auto name = text.substr(0, colon);
  const auto hex = text.substr(colon + 1);
  if (name == "sha256") {
    algorithm = DigestAlgorithm::Sha256;
  } else if (name == "sha512") {
    algorithm = DigestAlgorithm::Sha512;
  } else {
    return "unsupported digest algorithm '" + std::string(name) + "' (sha256 and sha512 are supported)";
  }
  if (hex.size() != hexLength(algorithm)) {
    return std::string(name) + " needs " + std::to_string(hexLength(algorithm)) + " hex characters, got " +
           std::to_string(hex.size());
  }
  if (!isLowerHex(hex)) return "the encoded part must be lowercase hexadecimal";
  return std::nullopt;
}

// Keeps hostile input readable and bounded in error messages.
std::string quoteForMessage(std::string_view text) {
  std::string out = "\"";
  for (char c : text.substr(0, 200)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (text.size() > 200) out += "...";
  return out + "\"";
}

}  // namespace

std::string_view digestAlgorithmName(DigestAlgorithm algorithm) {
  return algorithm == DigestAlgorithm::Sha256 ? "sha256" : "sha512";
}

Digest Digest::parse(std::string_view text) {
  DigestAlgorithm algorithm{};
  if (auto problem = checkDigest(text, algorithm)) {
    throw Error::invalidArgument("invalid digest " + quoteForMessage(text) + ": " + *problem);
  }
  return Digest(algorithm, std::string(text.substr(text.find(':') + 1)));
}

std::optional<Digest> Digest::tryParse(std::string_view text) {
  DigestAlgorithm algorithm{};
  if (checkDigest(text, algorithm)) return std::nullopt;
  return Digest(algorithm, std::string(text.substr(text.find(':') + 1)));
}

Digest Digest::fromParts(DigestAlgorithm algorithm, std::string hex) {
  return parse(std::string(digestAlgorithmName(algorithm)) + ":" + hex);
}

std::string Digest::str() const { return std::string(digestAlgorithmName(algorithm_)) + ":" + hex_; }

}  // namespace crix::digest

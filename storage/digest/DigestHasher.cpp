#include "storage/digest/DigestHasher.h"

#include <openssl/evp.h>

#include "core/Error.h"

namespace crix::digest {

struct DigestHasher::Context {
  struct Free {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx;
  bool finished = false;
};

DigestHasher::DigestHasher(DigestAlgorithm algorithm) : algorithm_(algorithm), context_(std::make_unique<Context>()) {
  context_->ctx.reset(EVP_MD_CTX_new());
  const EVP_MD* md = algorithm == DigestAlgorithm::Sha256 ? EVP_sha256() : EVP_sha512();
  if (!context_->ctx || EVP_DigestInit_ex(context_->ctx.get(), md, nullptr) != 1) {
    throw Error::internal("cannot initialise OpenSSL digest context");
  }
}

DigestHasher::~DigestHasher() = default;
DigestHasher::DigestHasher(DigestHasher&&) noexcept = default;
DigestHasher& DigestHasher::operator=(DigestHasher&&) noexcept = default;

void DigestHasher::update(std::string_view bytes) {
  if (context_->finished) throw Error::internal("DigestHasher updated after finish()");
  if (bytes.empty()) return;
  if (EVP_DigestUpdate(context_->ctx.get(), bytes.data(), bytes.size()) != 1) {
    throw Error::internal("OpenSSL digest update failed");
  }
}

Digest DigestHasher::finish() {
  if (context_->finished) throw Error::internal("DigestHasher finished twice");
  unsigned char raw[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context_->ctx.get(), raw, &length) != 1) {
    throw Error::internal("OpenSSL digest final failed");
  }
  context_->finished = true;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[raw[i] >> 4];
    hex += kHex[raw[i] & 0xf];
  }
  return Digest::fromParts(algorithm_, std::move(hex));
}

Digest DigestHasher::digestOf(DigestAlgorithm algorithm, std::string_view bytes) {
  DigestHasher hasher(algorithm);
  hasher.update(bytes);
  return hasher.finish();
}

void verifyDigest(const Digest& expected, const Digest& actual, const std::string& what) {
  if (expected == actual) return;
  throw Error::dataLoss(what + ": digest mismatch: expected " + expected.str() + ", got " + actual.str());
}

}  // namespace crix::digest

// Incremental SHA-256 for the two digests of a layer: the blob digest over the
// compressed bytes and the diff_id over the uncompressed tar.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>

namespace crix::layer {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::span<const std::byte> bytes);
  // "sha256:<64 lowercase hex>"; ends the computation.
  std::string finish();

 private:
  struct Context;
  std::unique_ptr<Context> context_;
};

}  // namespace crix::layer

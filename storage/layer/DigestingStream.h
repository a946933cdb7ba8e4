// Pipeline stage between the decompressor and the tar reader: hashes and
// counts the uncompressed tar, which gives the layer's diff_id and size.
#pragma once

#include <cstdint>
#include <string>

#include "storage/digest/DigestHasher.h"
#include "storage/layer/ChunkStream.h"
#include "storage/layer/UnpackTimings.h"

namespace crix::layer {

class DigestingStream final : public ChunkStream {
 public:
  // With `hashing` false only the size is kept: for an uncompressed blob the
  // diff_id is the blob digest, already being computed upstream.
  DigestingStream(ChunkStream& input, UnpackTimings& timings, bool hashing = true)
      : input_(input), timings_(timings), hashing_(hashing) {}

  std::span<const std::byte> next() override {
    const auto chunk = input_.next();
    size_ += chunk.size();
    if (hashing_) {
      ScopedTimer timer(timings_.digesting);
      sha_.update(chunk);
    }
    return chunk;
  }

  // Reads to the end: the tar reader stops at the end-of-archive marker, but
  // the diff_id covers every byte of the stream.
  void drain() {
    while (!next().empty()) {}
  }

  uint64_t size() const { return size_; }
  // Valid once the stream has ended, and only when hashing.
  std::string digest() { return sha_.finish().str(); }

 private:
  ChunkStream& input_;
  UnpackTimings& timings_;
  bool hashing_;
  digest::DigestHasher sha_{digest::DigestAlgorithm::Sha256};
  uint64_t size_ = 0;
};

}  // namespace crix::layer

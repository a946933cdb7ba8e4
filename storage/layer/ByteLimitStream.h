// Pipeline stage between the decompressor and the rest: stops a decompression
// bomb while it inflates, before its bytes reach the disk, rather than after
// the layer has filled it.
#pragma once

#include <cstdint>
#include <string>

#include "core/Error.h"
#include "storage/layer/ChunkStream.h"

namespace crix::layer {

class ByteLimitStream final : public ChunkStream {
 public:
  // Throws ResourceExhausted naming `layerName` once more than `limit` bytes
  // came through.
  ByteLimitStream(ChunkStream& input, uint64_t limit, std::string layerName)
      : input_(input), limit_(limit), layerName_(std::move(layerName)) {}

  std::span<const std::byte> next() override {
    const auto chunk = input_.next();
    seen_ += chunk.size();
    if (seen_ > limit_)
      throw Error(StatusCode::ResourceExhausted,
                  layerName_ + " inflates to more than " + std::to_string(limit_) +
                      " bytes of tar (the per-layer limit, UnpackOptions::maxUncompressedBytes); "
                      "refusing it as a decompression bomb");
    return chunk;
  }

 private:
  ChunkStream& input_;
  uint64_t limit_;
  std::string layerName_;
  uint64_t seen_ = 0;
};

}  // namespace crix::layer

// First pipeline stage: pulls the blob from its ByteSource, hashing every byte
// for the blob digest and counting the time spent waiting for the producer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "storage/digest/DigestHasher.h"
#include "storage/layer/ByteSource.h"
#include "storage/layer/ChunkStream.h"
#include "storage/layer/UnpackTimings.h"

namespace crix::layer {

class BlobReader final : public ChunkStream {
 public:
  // `hashing` false skips the blob digest, for callers that hash the blob
  // themselves on its way in.
  BlobReader(ByteSource& source, UnpackTimings& timings, bool hashing = true, size_t bufferSize = 256 << 10);

  // Up to `n` bytes from the front of the stream without consuming them
  // (fewer only if the stream is shorter), for compression sniffing.
  std::span<const std::byte> peek(size_t n);
  std::span<const std::byte> next() override;

  // Reads and hashes whatever the consumer left unread, so the digest always
  // covers the whole blob.
  void drain();

  uint64_t size() const { return size_; }
  // Valid once the stream has ended, and only when hashing.
  std::string digest();

 private:
  // Appends one read from the source at end_; returns false at end of stream.
  bool fill();

  ByteSource& source_;
  UnpackTimings& timings_;
  bool hashing_;
  digest::DigestHasher sha_{digest::DigestAlgorithm::Sha256};
  std::vector<std::byte> buffer_;
  size_t begin_ = 0;  // unconsumed bytes are [begin_, end_)
  size_t end_ = 0;
  bool ended_ = false;
  uint64_t size_ = 0;
};

}  // namespace crix::layer

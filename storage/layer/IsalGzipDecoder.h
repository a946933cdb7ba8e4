// Inflates a gzip stream with ISA-L's igzip, which decodes several times
// faster than zlib on x86. Handles multi-member gzip (pigz, concatenated
// blobs) and verifies every member's CRC32 and length trailer.
#pragma once

#include <memory>
#include <vector>

#include "storage/layer/ChunkStream.h"
#include "storage/layer/UnpackTimings.h"

struct inflate_state;

namespace crix::layer {

class IsalGzipDecoder final : public ChunkStream {
 public:
  IsalGzipDecoder(ChunkStream& input, UnpackTimings& timings, size_t bufferSize = 256 << 10);
  ~IsalGzipDecoder() override;

  std::span<const std::byte> next() override;

 private:
  // Refills the inflater's input; false at the end of the compressed stream.
  bool pullInput();
  // Starts the next member after one has finished; false at a clean end.
  bool startNextMember();

  ChunkStream& input_;
  UnpackTimings& timings_;
  std::unique_ptr<inflate_state> state_;
  std::vector<std::byte> output_;
  bool inputEnded_ = false;
  bool done_ = false;
};

}  // namespace crix::layer

// The unpack pipeline's internal stage interface: blob reader -> decompressor
// -> digesting tap -> tar reader. Stages hand each other spans into their own
// buffers so decompressed bytes are not copied again on their way to libarchive.
#pragma once

#include <cstddef>
#include <span>

namespace crix::layer {

class ChunkStream {
 public:
  virtual ~ChunkStream() = default;
  // The next run of bytes, valid until the following call; empty at the end.
  // Throws crix::Error on corrupt or broken input.
  virtual std::span<const std::byte> next() = 0;
};

}  // namespace crix::layer

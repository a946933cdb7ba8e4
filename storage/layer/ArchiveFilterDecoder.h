// Decompresses gzip or zstd with libarchive's own filters (zlib, libzstd),
// reading the filter output through libarchive's "raw" format so that the
// uncompressed tar can be hashed before the tar reader sees it.
#pragma once

#include "storage/layer/ArchiveReadHandle.h"
#include "storage/layer/ChunkStream.h"
#include "storage/layer/Compression.h"
#include "storage/layer/UnpackTimings.h"

namespace crix::layer {

class ArchiveFilterDecoder final : public ChunkStream {
 public:
  ArchiveFilterDecoder(ChunkStream& input, Compression compression, UnpackTimings& timings);

  std::span<const std::byte> next() override;

 private:
  ArchiveReadHandle handle_;
  UnpackTimings& timings_;
  std::string what_;
  bool started_ = false;
  bool done_ = false;
};

}  // namespace crix::layer

// Turns a layer blob (a tar, plain or gzip/zstd compressed) into an
// overlay-ready directory, streaming: bytes are pulled from a ByteSource as
// they arrive, so a download can be unpacked while it is still running.
//
//   ByteSource -> BlobReader (blob digest) -> gzip/zstd decoder
//              -> DigestingStream (diff_id) -> TarEntryReader -> LayerWriter
//
// unpack() blocks until the stream ends; run it on its own thread and feed
// it from the download through a PipeByteSource.
#pragma once

#include <cstdint>
#include <string>

#include "storage/layer/ByteSource.h"
#include "storage/layer/Compression.h"
#include "storage/layer/StagedLayer.h"
#include "storage/layer/UnpackTimings.h"

namespace crix::layer {

enum class GzipDecoder {
  Isal,        // ISA-L igzip, the default: inflates ~1.8x faster than zlib (bench/unpack)
  Libarchive,  // libarchive's zlib-based filter
};

struct UnpackOptions {
  // What the manifest's media type says (compressionFromMediaType); the
  // blob's magic bytes decide regardless, a disagreement is logged.
  Compression declared = Compression::Auto;
  GzipDecoder gzipDecoder = GzipDecoder::Isal;
  // False when the caller already hashes the blob as it downloads: saves a
  // SHA-256 pass, and UnpackStats::blobDigest stays empty.
  bool computeBlobDigest = true;

  // Decompression-bomb guards, enforced while streaming so that a bomb fails
  // after writing at most the limit, never after filling the disk; exceeding
  // one throws ResourceExhausted and leaves nothing (unpack() removes its
  // staging dir). Absolute caps rather than a ratio to the compressed size:
  // honest layers holding zero-filled or sparse files inflate 1000:1 (gzip's
  // maximum), so a ratio would refuse them, while no honest layer comes near
  // these sizes (the biggest CUDA/ML layers are ~10-20 GiB, the busiest
  // node_modules/package layers a few hundred thousand entries).
  static constexpr uint64_t kDefaultMaxUncompressedBytes = uint64_t{64} << 30;  // 64 GiB of tar stream
  static constexpr uint64_t kDefaultMaxEntries = 10'000'000;                      // ≥ 5 GB of tar headers
  uint64_t maxUncompressedBytes = kDefaultMaxUncompressedBytes;
  uint64_t maxEntries = kDefaultMaxEntries;
  // How errors name the layer, e.g. its blob digest "sha256:…"; empty: "layer".
  std::string layerName = {};
};

struct UnpackStats {
  std::string
      blobDigest;  // "sha256:…" of the bytes read: check against the manifest's layer digest (if computed)
  std::string diffId;  // "sha256:…" of the uncompressed tar: check against the config's rootfs.diff_ids
  uint64_t compressedSize = 0;
  uint64_t uncompressedSize = 0;
  Compression compression = Compression::None;  // what the blob turned out to be
  uint64_t entries = 0;
  UnpackTimings timings;
};

struct UnpackedLayer {
  StagedLayer staged;  // commit() it once the digests check out
  UnpackStats stats;
};

class LayerUnpacker {
 public:
  explicit LayerUnpacker(UnpackOptions options = {}) : options_(options) {}

  // Unpacks into a new staging directory inside `layersDir`. Nothing is
  // visible until the caller commits the result; on any error the staging
  // directory is already gone when the exception arrives.
  UnpackedLayer unpack(ByteSource& source, const std::string& layersDir) const;

  // Unpacks into the existing directory `targetDir` (normally empty). On
  // error it holds a partial tree that the caller must remove: prefer unpack().
  UnpackStats unpackInto(ByteSource& source, const std::string& targetDir) const;

  // The same, into an open directory fd.
  UnpackStats unpackInto(ByteSource& source, UniqueFd targetDir) const;

 private:
  UnpackOptions options_;
};

}  // namespace crix::layer

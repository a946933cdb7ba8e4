#include "storage/layer/LayerUnpacker.h"

#include <fcntl.h>

#include <cerrno>
#include <chrono>
#include <memory>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/layer/ArchiveFilterDecoder.h"
#include "storage/layer/BlobReader.h"
#include "storage/layer/ByteLimitStream.h"
#include "storage/layer/DigestingStream.h"
#include "storage/layer/IsalGzipDecoder.h"
#include "storage/layer/LayerWriter.h"
#include "storage/layer/TarEntryReader.h"

namespace crix::layer {

namespace {

Compression resolveCompression(BlobReader& blob, Compression declared) {
  const Compression detected = detectCompression(blob.peek(kCompressionMagicBytes));
  if (declared != Compression::Auto && declared != detected) {
    log::warn("layer declared as ", compressionName(declared), " but its content is ",
              compressionName(detected), "; unpacking it as ", compressionName(detected));
  }
  return detected;
}

std::unique_ptr<ChunkStream> makeDecoder(BlobReader& blob, Compression compression, GzipDecoder gzip,
                                         UnpackTimings& timings) {
  switch (compression) {
    case Compression::Gzip:
      if (gzip == GzipDecoder::Isal) return std::make_unique<IsalGzipDecoder>(blob, timings);
      return std::make_unique<ArchiveFilterDecoder>(blob, compression, timings);
    case Compression::Zstd: return std::make_unique<ArchiveFilterDecoder>(blob, compression, timings);
    default: return nullptr;
  }
}

UnpackStats run(ByteSource& source, UniqueFd targetDir, const UnpackOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  UnpackStats stats;
  UnpackTimings& timings = stats.timings;

  BlobReader blob(source, timings, options.computeBlobDigest);
  stats.compression = resolveCompression(blob, options.declared);
  const auto decoder = makeDecoder(blob, stats.compression, options.gzipDecoder, timings);
  // An uncompressed blob is its own tar: one hash serves as both digests.
  const bool diffIdIsBlobDigest = !decoder && options.computeBlobDigest;
  const std::string layerName = options.layerName.empty() ? "layer" : "layer " + options.layerName;
  ByteLimitStream limited(decoder ? *decoder : static_cast<ChunkStream&>(blob), options.maxUncompressedBytes,
                          layerName);
  DigestingStream tar(limited, timings, !diffIdIsBlobDigest);
  TarEntryReader reader(tar);
  LayerWriter writer(std::move(targetDir));

  while (const auto entry = reader.nextEntry()) {
    if (stats.entries >= options.maxEntries)
      throw Error(StatusCode::ResourceExhausted,
                  layerName + " has more than " + std::to_string(options.maxEntries) +
                      " entries (the per-layer limit, UnpackOptions::maxEntries); refusing it as a "
                      "decompression bomb");
    writer.write(*entry, reader);
    ++stats.entries;
  }
  writer.finish();
  // The tar reader stops at the end-of-archive marker; hash the rest too.
  tar.drain();
  blob.drain();

  stats.compressedSize = blob.size();
  stats.uncompressedSize = tar.size();
  {
    ScopedTimer timer(timings.digesting);
    if (options.computeBlobDigest) stats.blobDigest = blob.digest();
    stats.diffId = diffIdIsBlobDigest ? stats.blobDigest : tar.digest();
  }
  const auto total = std::chrono::steady_clock::now() - start;
  timings.writing = total - timings.reading - timings.decompressing - timings.digesting;
  return stats;
}

UniqueFd openTarget(const std::string& targetDir) {
  const int fd = ::open(targetDir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error::fromErrno("open layer directory " + targetDir, errno);
  return UniqueFd(fd);
}

}  // namespace

UnpackStats LayerUnpacker::unpackInto(ByteSource& source, UniqueFd targetDir) const {
  try {
    return run(source, std::move(targetDir), options_);
  } catch (...) {
    // Unblock a producer waiting to hand us more bytes.
    source.cancel();
    throw;
  }
}

UnpackStats LayerUnpacker::unpackInto(ByteSource& source, const std::string& targetDir) const {
  return unpackInto(source, openTarget(targetDir));
}

UnpackedLayer LayerUnpacker::unpack(ByteSource& source, const std::string& layersDir) const {
  // If creating the staging directory fails, the producer must not hang.
  StagedLayer staged = [&] {
    try {
      return StagedLayer::create(layersDir);
    } catch (...) {
      source.cancel();
      throw;
    }
  }();
  UnpackStats stats = unpackInto(source, staged.openDir());
  log::debug("unpacked layer ", stats.diffId, ": ", stats.entries, " entries, ", stats.uncompressedSize,
             " bytes");
  return {std::move(staged), std::move(stats)};
}

}  // namespace crix::layer

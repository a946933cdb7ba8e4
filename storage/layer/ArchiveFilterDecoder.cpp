#include "storage/layer/ArchiveFilterDecoder.h"

#include <archive.h>
#include <archive_entry.h>

#include "core/Error.h"

namespace crix::layer {

ArchiveFilterDecoder::ArchiveFilterDecoder(ChunkStream& input, Compression compression,
                                           UnpackTimings& timings)
    : timings_(timings), what_(std::string(compressionName(compression)) + " layer") {
  archive* a = handle_.get();
  switch (compression) {
    case Compression::Gzip: handle_.check(archive_read_support_filter_gzip(a), what_); break;
    case Compression::Zstd: handle_.check(archive_read_support_filter_zstd(a), what_); break;
    default: throw Error::internal("ArchiveFilterDecoder needs gzip or zstd");
  }
  handle_.check(archive_read_support_format_raw(a), what_);
  ExclusiveTimer timer(timings_, &UnpackTimings::decompressing);
  handle_.open(input, what_);
}

std::span<const std::byte> ArchiveFilterDecoder::next() {
  if (done_) return {};
  ExclusiveTimer timer(timings_, &UnpackTimings::decompressing);
  archive* a = handle_.get();
  if (!started_) {
    // The raw format presents the whole decompressed stream as one entry.
    archive_entry* entry = nullptr;
    const int status = archive_read_next_header(a, &entry);
    if (status == ARCHIVE_EOF) {
      done_ = true;
      return {};
    }
    handle_.check(status, what_);
    started_ = true;
  }
  const void* block = nullptr;
  size_t size = 0;
  la_int64_t offset = 0;
  for (;;) {
    const int status = archive_read_data_block(a, &block, &size, &offset);
    if (status == ARCHIVE_EOF) {
      done_ = true;
      return {};
    }
    handle_.check(status, what_);
    if (size > 0) return {static_cast<const std::byte*>(block), size};
  }
}

}  // namespace crix::layer

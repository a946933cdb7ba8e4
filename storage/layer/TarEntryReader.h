// Last pipeline stage: parses the uncompressed tar with libarchive (tar
// formats only: ustar, pax, GNU) and turns each header into a LayerEntry.
#pragma once

#include <optional>

#include "storage/layer/ArchiveReadHandle.h"
#include "storage/layer/LayerEntry.h"

struct archive_entry;

namespace crix::layer {

class TarEntryReader final : public EntryData {
 public:
  explicit TarEntryReader(ChunkStream& tar);

  // The next entry, or nullopt at the end of the archive. Its data, if any, is
  // read with nextBlock() before the following call.
  std::optional<LayerEntry> nextEntry();
  bool nextBlock(std::span<const std::byte>& block, int64_t& offset) override;

 private:
  LayerEntry convert(archive_entry* entry);

  ArchiveReadHandle handle_;
};

}  // namespace crix::layer

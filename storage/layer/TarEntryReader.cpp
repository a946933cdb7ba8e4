#include "storage/layer/TarEntryReader.h"

#include <archive.h>
#include <archive_entry.h>

#include "core/Error.h"

namespace crix::layer {

namespace {

constexpr const char* kWhat = "layer tar";

std::string quoted(const char* name) { return std::string("\"") + (name ? name : "") + "\""; }

}  // namespace

TarEntryReader::TarEntryReader(ChunkStream& tar) {
  handle_.check(archive_read_support_format_tar(handle_.get()), kWhat);
  handle_.open(tar, kWhat);
}

std::optional<LayerEntry> TarEntryReader::nextEntry() {
  archive_entry* entry = nullptr;
  const int status = archive_read_next_header(handle_.get(), &entry);
  if (status == ARCHIVE_EOF) return std::nullopt;
  handle_.check(status, kWhat);
  return convert(entry);
}

bool TarEntryReader::nextBlock(std::span<const std::byte>& block, int64_t& offset) {
  const void* data = nullptr;
  size_t size = 0;
  la_int64_t at = 0;
  const int status = archive_read_data_block(handle_.get(), &data, &size, &at);
  if (status == ARCHIVE_EOF) return false;
  handle_.check(status, kWhat);
  block = {static_cast<const std::byte*>(data), size};
  offset = at;
  return true;
}

LayerEntry TarEntryReader::convert(archive_entry* entry) {
  LayerEntry out;
  const char* name = archive_entry_pathname(entry);
  if (!name || !*name) throw Error::invalidArgument("layer tar: entry without a name");
  out.name = name;
  out.permissions = archive_entry_perm(entry) & 07777;
  out.uid = static_cast<uid_t>(archive_entry_uid(entry));
  out.gid = static_cast<gid_t>(archive_entry_gid(entry));
  out.mtime = {archive_entry_mtime(entry), archive_entry_mtime_nsec(entry)};
  // Access times in layers are noise; never let one predate the mtime.
  out.atime = out.mtime;
  if (archive_entry_atime_is_set(entry) && archive_entry_atime(entry) > out.mtime.tv_sec)
    out.atime = {archive_entry_atime(entry), archive_entry_atime_nsec(entry)};

  if (const char* target = archive_entry_hardlink(entry)) {
    out.type = LayerEntry::Type::Hardlink;
    out.linkTarget = target;
  } else {
    switch (archive_entry_filetype(entry)) {
      case AE_IFREG:
        out.type = LayerEntry::Type::Regular;
        out.size = archive_entry_size(entry);
        break;
      case AE_IFDIR: out.type = LayerEntry::Type::Directory; break;
      case AE_IFLNK: {
        out.type = LayerEntry::Type::Symlink;
        const char* target = archive_entry_symlink(entry);
        out.linkTarget = target ? target : "";
        break;
      }
      case AE_IFCHR:
        out.type = LayerEntry::Type::CharDevice;
        out.device = archive_entry_rdev(entry);
        break;
      case AE_IFBLK:
        out.type = LayerEntry::Type::BlockDevice;
        out.device = archive_entry_rdev(entry);
        break;
      case AE_IFIFO: out.type = LayerEntry::Type::Fifo; break;
      default: throw Error::invalidArgument("layer entry " + quoted(name) + ": unsupported tar entry type");
    }
  }

  archive_entry_xattr_reset(entry);
  const char* key = nullptr;
  const void* value = nullptr;
  size_t size = 0;
  while (archive_entry_xattr_next(entry, &key, &value, &size) == ARCHIVE_OK) {
    out.xattrs.emplace_back(key, std::string(static_cast<const char*>(value), size));
  }
  return out;
}

}  // namespace crix::layer

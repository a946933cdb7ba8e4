// One tar entry as the layer writer sees it: plain data, decoupled from
// libarchive so that the security-relevant writing code can be read (and
// tested) on its own terms.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <ctime>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace crix::layer {

struct LayerEntry {
  enum class Type { Regular, Directory, Symlink, Hardlink, CharDevice, BlockDevice, Fifo };

  std::string name;        // exactly as in the archive; not yet checked
  std::string linkTarget;  // symlink text, or the hardlink's target entry name
  Type type = Type::Regular;
  mode_t permissions = 0;  // 07777 bits: rwx plus setuid, setgid, sticky
  uid_t uid = 0;
  gid_t gid = 0;
  timespec mtime{};
  timespec atime{};
  dev_t device = 0;  // character and block devices
  int64_t size = 0;  // regular files: the logical size (sparse files are larger than their data)
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// The data of the current regular-file entry, in blocks.
class EntryData {
 public:
  virtual ~EntryData() = default;
  // Sets `block` and its file `offset`; false after the last block. Offsets
  // jump forward over holes in sparse files.
  virtual bool nextBlock(std::span<const std::byte>& block, int64_t& offset) = 0;
};

}  // namespace crix::layer

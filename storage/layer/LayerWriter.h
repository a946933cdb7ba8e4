// Applies tar entries to a layer directory, treating each one as hostile.
//
// Every entry reaches the tree through LayerRoot (no "..", no absolute
// paths, no symlinks on the way) and every node is created and modified
// with *at()/fd calls that do not follow symlinks, so nothing outside the
// layer directory can be created, changed or linked to. What is refused, with
// InvalidArgument naming the entry:
//   - names that climb above the root after cleaning (see EntryPath.h);
//   - entries whose parent path crosses a symlink, even one inside the layer;
//   - hardlinks whose target escapes, crosses a symlink, is missing, or is
//     anything but a regular file already in this layer;
//   - whiteouts naming "", "." or "..".
// Symlink targets are stored verbatim: they are resolved inside the
// container's root later, so absolute and ".."-climbing ones are legal there
// and harmless here, where nothing ever follows them.
#pragma once

#include <map>
#include <string>

#include "core/UniqueFd.h"
#include "storage/layer/LayerEntry.h"
#include "storage/layer/LayerRoot.h"

namespace crix::layer {

class LayerWriter {
 public:
  explicit LayerWriter(UniqueFd rootFd);

  void write(const LayerEntry& entry, EntryData& data);

  // Sets directory modes and times, held back until now so that creating
  // their contents neither bumps the times nor trips over a read-only mode.
  void finish();

 private:
  struct Slot {
    int parentFd;
    std::string path;  // clean, relative to the root
    std::string base;  // last component
  };

  void writeDirectory(const Slot& slot, const LayerEntry& entry);
  void writeRoot(const LayerEntry& entry);
  void writeRegular(const Slot& slot, const LayerEntry& entry, EntryData& data);
  void writeSymlink(const Slot& slot, const LayerEntry& entry);
  void writeHardlink(const Slot& slot, const LayerEntry& entry);
  void writeSpecial(const Slot& slot, const LayerEntry& entry);
  void writeWhiteout(const Slot& slot, const LayerEntry& entry, const std::string& hidden);
  void markOpaque(const Slot& slot, const LayerEntry& entry);

  // Makes room for a new node: removes whatever the slot holds, recursively
  // for a directory.
  void clear(const Slot& slot);
  void deferDirectory(const std::string& path, const LayerEntry& entry);

  struct DeferredDir {
    mode_t mode;
    timespec atime;
    timespec mtime;
  };

  LayerRoot root_;
  // By path; a later entry for the same directory replaces an earlier one.
  std::map<std::string, DeferredDir> dirs_;
};

}  // namespace crix::layer

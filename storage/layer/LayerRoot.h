// The directory a layer is being written into, and the only way the writer
// reaches anything in it. Every lookup is an openat2() below the root's fd
// with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS: the
// kernel refuses ".." above the root, absolute paths, and any symlink on the
// way, so no path string built from archive data is ever resolved against
// the host's filesystem.
//
// Refusing every symlink, not just escaping ones, is deliberate: a tar made
// from a real filesystem never has an entry beneath a symlink (tar does not
// descend into them), and overlay layers are unpacked one per directory, so a
// symlink from a lower layer is never in the way. An entry under a symlink
// only exists in crafted archives.
#pragma once

#include <string>
#include <string_view>

#include "core/UniqueFd.h"

namespace crix::layer {

class LayerRoot {
 public:
  explicit LayerRoot(UniqueFd rootFd);

  int fd() const { return root_.get(); }

  // An O_PATH fd of the directory at clean relative path `dir` ("" is the
  // root), creating it and any missing ancestors (0755, root-owned) as the
  // entry needs them. Throws InvalidArgument, its message starting with
  // `subject` (`layer entry "x"`), when the way crosses a symlink or a
  // non-directory. The fd is borrowed: valid until the
  // next call or forgetCachedDir().
  int parentDir(const std::string& dir, std::string_view subject);

  // Like parentDir but nothing is created; returns an invalid fd when the
  // directory does not exist.
  UniqueFd findDir(const std::string& dir, std::string_view subject);

  // Opens `path` below the root (no symlinks anywhere, including the last
  // component); returns -errno instead of throwing.
  int openBeneath(const std::string& path, int flags) const;

  // Must be called after a directory at clean path `path` is removed or
  // replaced: the cached parent may have been it or below it.
  void removed(const std::string& path);

 private:
  UniqueFd createDirs(const std::string& dir, std::string_view subject);
  void forgetCachedDir();

  UniqueFd root_;
  // Entries arrive grouped by directory, so remembering the last parent saves
  // most lookups.
  std::string cachedPath_;
  UniqueFd cachedFd_;
};

// Opens `path` relative to `dirFd` strictly beneath it; -errno on failure.
int openat2Beneath(int dirFd, const char* path, int flags);

}  // namespace crix::layer

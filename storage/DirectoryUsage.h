// Bytes and inodes a directory tree takes on disk, for ImageFsInfo and stats.
// Hard links count once.
#pragma once

#include <cstdint>
#include <string>

namespace crix::storage {

struct DirectoryUsage {
  std::string path;
  uint64_t usedBytes = 0;
  uint64_t inodesUsed = 0;
};

DirectoryUsage measureDirectory(const std::string& path);

}  // namespace crix::storage

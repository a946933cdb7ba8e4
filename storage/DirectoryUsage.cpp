#include "storage/DirectoryUsage.h"

#include <sys/stat.h>

#include <filesystem>
#include <set>

namespace crix::storage {
namespace fs = std::filesystem;

DirectoryUsage measureDirectory(const std::string& path) {
  DirectoryUsage usage{path};
  std::set<std::pair<dev_t, ino_t>> seen;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;
    if (st.st_nlink > 1 && !seen.insert({st.st_dev, st.st_ino}).second) continue;
    usage.usedBytes += static_cast<uint64_t>(st.st_blocks) * 512;
    ++usage.inodesUsed;
  }
  return usage;
}

}  // namespace crix::storage

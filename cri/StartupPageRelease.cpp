#include "cri/StartupPageRelease.h"

#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "core/Log.h"

namespace crix::cri {

void releaseStartupPages() {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  size_t released = 0;
  while (std::getline(maps, line)) {
    std::istringstream fields(line);
    std::string range, perms, offset, dev, inode, path;
    fields >> range >> perms >> offset >> dev >> inode >> path;
    // File-backed and not writable: code and read-only data. Writable
    // private mappings hold relocated data that would have to go to swap.
    if (path.empty() || path.front() != '/' || perms.size() < 2 || perms[1] == 'w') continue;
    const auto dash = range.find('-');
    const unsigned long start = std::stoul(range.substr(0, dash), nullptr, 16);
    const unsigned long end = std::stoul(range.substr(dash + 1), nullptr, 16);
    if (::madvise(reinterpret_cast<void*>(start), end - start, MADV_PAGEOUT) != 0) {
      log::debug("madvise(MADV_PAGEOUT) of ", path, ": ", std::strerror(errno));
      if (errno == EINVAL) return;  // the kernel predates MADV_PAGEOUT
      continue;
    }
    released += end - start;
  }
  log::debug("released start-up pages of ", released / 1024, " KiB of file mappings");
}

}  // namespace crix::cri

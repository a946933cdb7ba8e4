#include "tests/support/MountTable.h"

#include "oci/MountInfo.h"
#include "tests/support/Subprocess.h"

namespace crix::test {

std::vector<std::string> mountsBelow(const std::string& dir) {
  std::vector<std::string> found;
  for (const auto& entry : oci::parseMountInfo(readFile("/proc/self/mountinfo")))
    if (entry.mountPoint == dir || entry.mountPoint.starts_with(dir + "/")) found.push_back(entry.mountPoint);
  return found;
}

}  // namespace crix::test

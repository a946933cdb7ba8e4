#include "tests/support/ProcStatus.h"

#include <fstream>
#include <string>

namespace crix::test {

long procStatusValue(pid_t pid, std::string_view field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  const std::string prefix = std::string(field) + ":";
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with(prefix)) return std::stol(line.substr(prefix.size()));
  return -1;
}

}  // namespace crix::test

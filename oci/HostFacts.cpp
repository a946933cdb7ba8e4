#include "oci/HostFacts.h"

#include <sys/statfs.h>
#include <sys/utsname.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace crix::oci {
namespace {

constexpr long kCgroup2SuperMagic = 0x63677270;

std::string readText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool exists(const std::string& path) {
  std::error_code ec;
  return std::filesystem::exists(path, ec);
}

bool listsController(const std::string& controllers, const std::string& name) {
  std::istringstream in(controllers);
  std::string word;
  while (in >> word) {
    if (word == name) return true;
  }
  return false;
}

// The cgroup v2 path of this process, from "0::/path" in /proc/self/cgroup.
std::string ownUnifiedCgroup() {
  std::istringstream in(readText("/proc/self/cgroup"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("0::")) return line.substr(3);
  }
  return "/";
}

}  // namespace

std::string seccompArchForMachine(const std::string& machine) {
  static const std::map<std::string, std::string> names = {
      {"x86_64", "amd64"},        {"i386", "x86"},   {"i686", "x86"},        {"aarch64", "arm64"},
      {"armv7l", "arm"},          {"armv6l", "arm"}, {"ppc64le", "ppc64le"}, {"ppc64", "ppc64"},
      {"s390x", "s390x"},         {"s390", "s390"},  {"mips64", "mips64"},   {"riscv64", "riscv64"},
      {"loongarch64", "loong64"},
  };
  const auto it = names.find(machine);
  return it == names.end() ? machine : it->second;
}

HostFacts HostFacts::probe() {
  HostFacts facts;
  facts.bounding = CapabilitySet::hostBounding();
  facts.appArmorEnabled = readText("/sys/module/apparmor/parameters/enabled").starts_with("Y");

  struct statfs fs {};
  facts.cgroupV2 =
      ::statfs("/sys/fs/cgroup", &fs) == 0 && static_cast<long>(fs.f_type) == kCgroup2SuperMagic;
  if (facts.cgroupV2) {
    const std::string controllers = readText("/sys/fs/cgroup/cgroup.controllers");
    facts.hugetlbController = listsController(controllers, "hugetlb");
    facts.pidsController = listsController(controllers, "pids");
    const std::string own = ownUnifiedCgroup();
    facts.swapLimitSupported = exists("/sys/fs/cgroup" + own + "/memory.swap.max") ||
                               (own == "/" && listsController(controllers, "memory"));
  } else {
    facts.hugetlbController = exists("/sys/fs/cgroup/hugetlb");
    facts.pidsController = exists("/sys/fs/cgroup/pids");
    facts.swapLimitSupported = exists("/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes");
  }

  struct utsname uts {};
  if (::uname(&uts) == 0) {
    facts.seccompArch = seccompArchForMachine(uts.machine);
    std::sscanf(uts.release, "%d.%d", &facts.kernelMajor, &facts.kernelMinor);
  }
  facts.readMountInfo = [] { return readText("/proc/self/mountinfo"); };
  return facts;
}

const HostFacts& HostFacts::current() {
  static const HostFacts facts = probe();
  return facts;
}

}  // namespace crix::oci

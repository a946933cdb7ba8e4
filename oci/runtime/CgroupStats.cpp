#include "oci/runtime/CgroupStats.h"

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "core/Error.h"
#include "core/WallClock.h"
#include "oci/runtime/CgroupPaths.h"

namespace crix::oci {
namespace {

namespace fs = std::filesystem;

std::string readText(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error::fromErrno("read cgroup file " + path, errno ? errno : ENOENT);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::uint64_t readNumber(const std::string& path) {
  const std::string text = readText(path);
  try {
    return std::stoull(text);
  } catch (const std::exception&) {
    throw Error::internal("cgroup file " + path + " does not hold a number: " + text.substr(0, 64));
  }
}

// "key value" lines (memory.stat, cpu.stat).
std::map<std::string, std::uint64_t> readKeyed(const std::string& path) {
  std::map<std::string, std::uint64_t> values;
  std::istringstream lines(readText(path));
  std::string key;
  std::uint64_t value = 0;
  while (lines >> key >> value) values[key] = value;
  return values;
}

std::uint64_t get(const std::map<std::string, std::uint64_t>& m, const char* key) {
  const auto it = m.find(key);
  return it == m.end() ? 0 : it->second;
}

std::optional<std::uint64_t> optionalNumber(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::nullopt;
  return readNumber(path);
}

void requireDir(const std::string& dir, const std::string& cgroupsPath) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw Error::notFound("cgroup " + cgroupsPath + " does not exist (" + dir + ")");
}

}  // namespace

CgroupStats readCgroupStats(const std::string& cgroupsPath) {
  CgroupStats s;
  s.timestampNanos = nowNanos();
  std::uint64_t inactiveFile = 0;
  if (cgroupV2Unified()) {
    const std::string dir = cgroupDir("", cgroupsPath);
    requireDir(dir, cgroupsPath);
    s.cpuUsageCoreNanos = get(readKeyed(dir + "/cpu.stat"), "usage_usec") * 1000;
    s.memoryUsageBytes = readNumber(dir + "/memory.current");
    const auto mem = readKeyed(dir + "/memory.stat");
    inactiveFile = get(mem, "inactive_file");
    s.rssBytes = get(mem, "anon");
    s.pageFaults = get(mem, "pgfault");
    s.majorPageFaults = get(mem, "pgmajfault");
    s.pids = optionalNumber(dir + "/pids.current");
  } else {
    const std::string memDir = cgroupDir("memory", cgroupsPath);
    requireDir(memDir, cgroupsPath);
    s.cpuUsageCoreNanos = readNumber(cgroupDir("cpuacct", cgroupsPath) + "/cpuacct.usage");
    s.memoryUsageBytes = readNumber(memDir + "/memory.usage_in_bytes");
    const auto mem = readKeyed(memDir + "/memory.stat");
    // total_* include child cgroups, as usage_in_bytes does.
    inactiveFile = get(mem, "total_inactive_file");
    s.rssBytes = get(mem, "total_rss");
    s.pageFaults = get(mem, "total_pgfault");
    s.majorPageFaults = get(mem, "total_pgmajfault");
    s.pids = optionalNumber(cgroupDir("pids", cgroupsPath) + "/pids.current");
  }
  s.memoryWorkingSetBytes =
      s.memoryUsageBytes > inactiveFile ? s.memoryUsageBytes - inactiveFile : 0;
  return s;
}

}  // namespace crix::oci

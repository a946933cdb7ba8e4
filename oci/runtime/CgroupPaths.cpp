#include "oci/runtime/CgroupPaths.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::oci {
namespace {

namespace fs = std::filesystem;
constexpr const char* kRoot = "/sys/fs/cgroup";

std::string normalized(const std::string& cgroupPath) {
  if (cgroupPath.empty() || cgroupPath.front() == '/') return cgroupPath;
  return "/" + cgroupPath;
}

std::string readSmall(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  std::string t = s.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == ' ')) t.pop_back();
  return t;
}

void writeSmall(const std::string& path, const std::string& value) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) throw Error::fromErrno("open " + path, errno);
  if (::write(fd.get(), value.data(), value.size()) < 0)
    throw Error::fromErrno("write " + value + " to " + path, errno);
}

// A new v1 cpuset cgroup has no cpus and mems, and refuses tasks until it has.
void fillCpuset(const fs::path& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    if (!readSmall((dir / file).string()).empty()) continue;
    fillCpuset(dir.parent_path());
    writeSmall((dir / file).string(), readSmall((dir.parent_path() / file).string()));
  }
}

}  // namespace

bool cgroupV2Unified() {
  std::error_code ec;
  return fs::exists(std::string(kRoot) + "/cgroup.controllers", ec);
}

std::string cgroupDir(const std::string& controller, const std::string& cgroupPath) {
  if (cgroupV2Unified()) return kRoot + normalized(cgroupPath);
  return std::string(kRoot) + "/" + controller + normalized(cgroupPath);
}

std::vector<std::string> cgroupHierarchies() {
  if (cgroupV2Unified()) return {kRoot};
  std::vector<std::string> roots;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kRoot, ec)) {
    // cpu and cpuacct are often symlinks to cpu,cpuacct: one hierarchy.
    if (entry.is_symlink(ec) || !entry.is_directory(ec)) continue;
    if (fs::exists(entry.path() / "cgroup.procs", ec)) roots.push_back(entry.path().string());
  }
  if (ec) throw Error::fromErrno(std::string("list ") + kRoot, ec.value());
  return roots;
}

void moveToCgroup(pid_t pid, const std::string& cgroupPath) {
  const std::string path = normalized(cgroupPath);
  for (const auto& root : cgroupHierarchies()) {
    const fs::path dir = root + path;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw Error::fromErrno("create cgroup " + dir.string(), ec.value());
    if (fs::path(root).filename() == "cpuset") fillCpuset(dir);
    writeSmall((dir / "cgroup.procs").string(), std::to_string(pid));
  }
}

std::string resolveMonitorCgroup(const std::string& setting, const std::string& podCgroupParent,
                                 const std::string& containerId) {
  std::string parent;
  if (setting.empty() || setting == "pod")
    parent = normalized(podCgroupParent);
  else if (setting.ends_with(".slice") && setting.find('/') == std::string::npos)
    parent = "/" + setting;
  else
    parent = normalized(setting);
  while (parent.size() > 1 && parent.back() == '/') parent.pop_back();
  return (parent == "/" ? "" : parent) + "/crix-conmon-" + containerId;
}

void removeCgroup(const std::string& cgroupPath) {
  const std::string path = normalized(cgroupPath);
  if (path.empty() || path == "/")
    throw Error::invalidArgument("refusing to remove the root cgroup");
  for (const auto& root : cgroupHierarchies()) {
    const std::string dir = root + path;
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) continue;
    if (errno == EBUSY) throw Error::failedPrecondition("cgroup " + dir + " still has processes");
    throw Error::fromErrno("remove cgroup " + dir, errno);
  }
}

}  // namespace crix::oci

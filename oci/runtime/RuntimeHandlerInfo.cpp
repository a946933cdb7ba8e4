#include "oci/runtime/RuntimeHandlerInfo.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "core/Error.h"

namespace crix::oci {
namespace {

namespace fs = std::filesystem;

bool isExecutableFile(const std::string& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec) && ::access(path.c_str(), X_OK) == 0;
}

// A daemon started by systemd may have a minimal PATH (or none); runc lives
// in the sbin directories, so those are searched too.
std::vector<std::string> searchPath() {
  std::vector<std::string> dirs;
  const char* path = std::getenv("PATH");
  std::string rest = path ? path : "";
  std::size_t start = 0;
  while (start <= rest.size()) {
    const std::size_t colon = rest.find(':', start);
    const std::string dir = rest.substr(start, colon == std::string::npos ? colon : colon - start);
    if (!dir.empty()) dirs.push_back(dir);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  for (const char* d :
       {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"})
    dirs.emplace_back(d);
  return dirs;
}

// crix-conmon is installed in libexec (meson's install_dir), sits next to
// crix in a flat install, and in ../conmon in a build tree.
std::string defaultMonitorPath() {
  if (const char* env = std::getenv(kMonitorPathEnv); env && *env) return env;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) throw Error::fromErrno("read /proc/self/exe to find crix-conmon", ec.value());
  const fs::path dir = self.parent_path();
  const fs::path candidates[] = {dir / "crix-conmon", dir / "../libexec/crix/crix-conmon",
                                 dir / "../conmon/crix-conmon"};
  for (const auto& c : candidates) {
    if (isExecutableFile(c.string())) return fs::weakly_canonical(c, ec).string();
  }
  throw Error::failedPrecondition("cannot find crix-conmon: not in " + candidates[0].string() +
                                  ", " + candidates[1].string() + " or " + candidates[2].string() +
                                  "; set monitor_path in [crio.runtime.runtimes.NAME]");
}

}  // namespace

std::string findOnPath(const std::string& program) {
  if (program.find('/') != std::string::npos) return program;
  for (const auto& dir : searchPath()) {
    const std::string candidate = dir + "/" + program;
    if (isExecutableFile(candidate)) return candidate;
  }
  return "";
}

RuntimeHandlerInfo resolveRuntime(const config::Config& cfg, const std::string& handlerName) {
  const std::string name = handlerName.empty() ? cfg.runtime.default_runtime : handlerName;
  const config::RuntimeHandler* handler = cfg.runtimeHandler(name);
  if (!handler) {
    std::string known;
    for (const auto& [n, h] : cfg.runtime.runtimes) known += (known.empty() ? "" : ", ") + n;
    throw Error::invalidArgument("failed to find runtime handler " + name + " from runtime list [" +
                                 known + "]");
  }
  if (handler->runtime_type != "oci" && !handler->runtime_type.empty()) {
    throw Error::failedPrecondition("runtime handler " + name + " has runtime_type \"" +
                                    handler->runtime_type + "\"; crix runs only \"oci\" runtimes");
  }

  RuntimeHandlerInfo info;
  info.name = name;
  const std::string wanted = handler->runtime_path.empty() ? name : handler->runtime_path;
  info.runtimePath = findOnPath(wanted);
  if (info.runtimePath.empty() || !isExecutableFile(info.runtimePath)) {
    throw Error::failedPrecondition(
        "runtime handler " + name + ": runtime " + wanted +
        (handler->runtime_path.empty() ? " is not on PATH" : " is not an executable file") +
        "; set runtime_path in [crio.runtime.runtimes." + name + "]");
  }
  info.runtimeRoot = handler->runtime_root;

  const std::string configured = config::monitorPath(cfg, *handler);
  info.monitorPath = configured.empty() ? defaultMonitorPath() : findOnPath(configured);
  if (info.monitorPath.empty() || !isExecutableFile(info.monitorPath)) {
    throw Error::failedPrecondition("runtime handler " + name + ": monitor " +
                                    (configured.empty() ? info.monitorPath : configured) +
                                    " is not an executable file");
  }
  info.monitorCgroup = config::monitorCgroup(cfg, *handler);
  info.monitorEnv = config::monitorEnv(cfg, *handler);
  return info;
}

}  // namespace crix::oci

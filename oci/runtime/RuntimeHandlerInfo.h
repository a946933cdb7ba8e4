// Which OCI runtime and which monitor run the containers of one runtime
// handler, with every path made absolute once, when the handler is chosen,
// so that a misconfigured node fails at RunPodSandbox and not half way
// through a container start.
#pragma once

#include <string>
#include <vector>

#include "config/Config.h"

namespace crix::oci {

struct RuntimeHandlerInfo {
  std::string name;         // the handler's name in crio.conf
  std::string runtimePath;  // absolute path of runc (or compatible)
  std::string runtimeRoot;  // runc --root; "" = the runtime's default
  std::string monitorPath;  // absolute path of crix-conmon
  std::string
      monitorCgroup;  // crio.conf's monitor_cgroup/conmon_cgroup, unresolved ("pod", "", ...)
  std::vector<std::string> monitorEnv;  // the whole environment crix-conmon gets (KEY=VALUE)
};

// Overrides the crix-conmon fallback (for tests and for running from a build
// tree); an explicit monitor_path / conmon in the configuration still wins.
inline constexpr const char* kMonitorPathEnv = "CRIX_CONMON";

// handlerName "" means crio.runtime.default_runtime.
// Throws InvalidArgument for a handler that is not configured, and
// FailedPrecondition when the runtime or crix-conmon cannot be found or is
// not executable.
RuntimeHandlerInfo resolveRuntime(const config::Config& cfg, const std::string& handlerName);

// PATH lookup of a bare program name; "" when not found. A name with a slash
// is returned as is.
std::string findOnPath(const std::string& program);

}  // namespace crix::oci

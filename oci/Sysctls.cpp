#include "oci/Sysctls.h"

#include <array>
#include <string_view>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::oci {
namespace {

constexpr std::array<std::string_view, 8> kIpcSysctls = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

// Why `name` may not be set in this pod, or "" when it may.
std::string refusal(const std::string& name, const SysctlScope& scope) {
  const auto ns = sysctlNamespace(name);
  if (!ns) {
    return "sysctl \"" + name +
           "\" is not namespaced: setting it would change the node for everyone";
  }
  if (*ns == SysctlNamespace::Network && scope.hostNetwork) {
    return "sysctl \"" + name + "\" cannot be set in a pod that uses the node's network namespace";
  }
  if (*ns == SysctlNamespace::Ipc && scope.hostIpc) {
    return "sysctl \"" + name + "\" cannot be set in a pod that uses the node's IPC namespace";
  }
  return "";
}

}  // namespace

std::optional<SysctlNamespace> sysctlNamespace(const std::string& name) {
  for (const auto ipc : kIpcSysctls) {
    if (name == ipc) return SysctlNamespace::Ipc;
  }
  if (name.starts_with("fs.mqueue.")) return SysctlNamespace::Ipc;
  if (name.starts_with("net.")) return SysctlNamespace::Network;
  return std::nullopt;
}

std::string canonicalSysctlName(const std::string& name) {
  if (name.find('/') == std::string::npos) return name;
  std::string out = name;
  for (auto& c : out) {
    if (c == '/') {
      c = '.';
    } else if (c == '.') {
      c = '/';
    }
  }
  return out;
}

std::map<std::string, std::string> containerSysctls(
    const std::vector<std::string>& defaults, const std::map<std::string, std::string>& podSysctls,
    const SysctlScope& scope) {
  std::map<std::string, std::string> out;
  for (const auto& entry : defaults) {
    const auto eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      log::warn("ignoring crio.runtime.default_sysctls entry \"", entry, "\": not name=value");
      continue;
    }
    const std::string name = canonicalSysctlName(entry.substr(0, eq));
    if (const std::string why = refusal(name, scope); !why.empty()) {
      log::warn("skipping crio.runtime.default_sysctls entry: ", why);
      continue;
    }
    out[name] = entry.substr(eq + 1);
  }
  for (const auto& [rawName, value] : podSysctls) {
    const std::string name = canonicalSysctlName(rawName);
    if (name.empty()) throw Error::invalidArgument("empty sysctl name");
    if (const std::string why = refusal(name, scope); !why.empty()) {
      throw Error::invalidArgument(why);
    }
    out[name] = value;
  }
  return out;
}

}  // namespace crix::oci

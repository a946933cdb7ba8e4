// Which sysctls a container may set: only those the kernel keeps per
// namespace, and only in a namespace the pod does not share with the node.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace crix::oci {

enum class SysctlNamespace { Ipc, Network };

// Kubernetes' (and runc's) table: kernel.msgmax, kernel.msgmnb,
// kernel.msgmni, kernel.sem, kernel.shmall, kernel.shmmax, kernel.shmmni,
// kernel.shm_rmid_forced and fs.mqueue.* live in the IPC namespace, net.* in
// the network namespace; nothing else is namespaced. `name` uses dots.
std::optional<SysctlNamespace> sysctlNamespace(const std::string& name);

// Kubernetes lets names be written with '/' separators
// ("net/ipv4/conf/eth0.100/rp_filter"); then '.' inside a component is
// literal. Returns the dotted form ("net.ipv4.conf.eth0/100.rp_filter").
std::string canonicalSysctlName(const std::string& name);

struct SysctlScope {
  bool hostNetwork = false;
  bool hostIpc = false;
};

// crio.conf's default_sysctls ("name=value"), then the pod's, which win.
// A pod sysctl that is not namespaced, or whose namespace is the node's, is
// InvalidArgument: setting it would change the host. A default that does
// not fit this pod is skipped with a warning, as CRI-O does.
std::map<std::string, std::string> containerSysctls(
    const std::vector<std::string>& defaults, const std::map<std::string, std::string>& podSysctls,
    const SysctlScope& scope);

}  // namespace crix::oci

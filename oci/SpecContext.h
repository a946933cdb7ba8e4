// What the daemon knows about a pod and a container when it asks for the
// container's OCI runtime spec (config.json).
#pragma once

#include <map>
#include <string>

#include "cri/api/Cri.h"
#include "storage/registry/ImageConfig.h"

namespace crix::oci {

enum class NamespaceKind { Network, Ipc, Uts, Pid };

struct PodContext {
  std::string podId;
  // The pod's hostname; with the node's network namespace the container also
  // has the node's UTS namespace and this only feeds $HOSTNAME.
  std::string hostname;
  // Pinned pod namespaces (bind mounts of /proc/PID/ns/*) containers join.
  // A missing kind means a new namespace unless the pod uses the node's.
  std::map<NamespaceKind, std::string> namespacePaths;
  // Host files bind-mounted over the container's /etc/resolv.conf,
  // /etc/hostname and /etc/hosts; "" for none. With hostsPath empty and the
  // node's network, the node's /etc/hosts is used, as CRI-O does; without
  // it the kubelet mounts its own /etc/hosts through the CRI.
  std::string resolvConfPath;
  std::string hostnamePath;
  std::string hostsPath;
  // The pod's /dev/shm (a tmpfs shared by its containers); "" gives each
  // container a private one.
  std::string shmPath;
  // "" means config.linux().cgroup_parent().
  std::string cgroupParent;
  // [crio.runtime.runtimes.NAME] the pod runs with; "" is default_runtime.
  std::string runtimeHandler;
  bool hostNetwork = false;
  bool hostIpc = false;
  bool hostPid = false;
  runtime::v1::PodSandboxConfig config;
};

struct ContainerContext {
  std::string containerId;
  // The mounted container root filesystem (root.path).
  std::string rootfsPath;
  runtime::v1::ContainerConfig config;
  registry::ImageConfig image;
  // Where to read /etc/passwd and /etc/group for user names; "" is
  // rootfsPath. Always read beneath it (see RootfsAccess.h).
  std::string imageRootfsForUserLookup;
  // Absolute path of the container's log file (for the annotations).
  std::string logPath;
  // The container's private run directory, for image_volumes = "bind".
  std::string runDir;
  // For a PID namespace mode of TARGET: the target container's
  // /proc/PID/ns/pid, which the daemon looks up from target_id.
  std::string targetPidNamespacePath;
};

}  // namespace crix::oci

// What the spec builder needs to know about the node it runs on. Probed once
// per process; tests build their own to describe another host.
#pragma once

#include <functional>
#include <string>

#include "oci/CapabilitySet.h"

namespace crix::oci {

struct HostFacts {
  // crix's bounding set: the most any container can hold.
  CapabilitySet bounding;
  // /sys/module/apparmor/parameters/enabled says "Y".
  bool appArmorEnabled = false;
  // /sys/fs/cgroup is a cgroup2 mount (unified hierarchy).
  bool cgroupV2 = false;
  // memory+swap limits can be set (v1: memory.memsw.*, v2: memory.swap.max).
  bool swapLimitSupported = false;
  bool hugetlbController = false;
  bool pidsController = false;
  // libseccomp's name for the native architecture ("amd64", "arm64", ...),
  // the names seccomp profiles use in includes/excludes "arches".
  std::string seccompArch;
  // uname -r as major.minor, for seccomp rules with a minimum kernel.
  int kernelMajor = 0;
  int kernelMinor = 0;
  // Where the host's device nodes are, for privileged containers.
  std::string devRoot = "/dev";
  // /proc/self/mountinfo, read when a mount asks for propagation; mounts
  // change, so this is read at use, not at probe time.
  std::function<std::string()> readMountInfo;

  static HostFacts probe();
  static const HostFacts& current();
};

// "x86_64" -> "amd64", as libseccomp names architectures.
std::string seccompArchForMachine(const std::string& unameMachine);

}  // namespace crix::oci

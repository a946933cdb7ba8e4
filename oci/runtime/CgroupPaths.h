// Where a cgroupfs-style cgroup path (runc's cgroupsPath "/kubepods/pod1/x")
// lives on this host: cgroup v2 (one hierarchy at /sys/fs/cgroup), or v1
// (one hierarchy per controller; on a hybrid host the controllers are v1 and
// /sys/fs/cgroup/unified only tracks processes).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace crix::oci {

bool cgroupV2Unified();

// The directory of `cgroupPath` for one v1 controller ("memory",
// "cpuacct"...), or on v2 the one directory (controller ignored).
std::string cgroupDir(const std::string& controller, const std::string& cgroupPath);

// Every mounted hierarchy root: "/sys/fs/cgroup" on v2; on v1 each
// controller's (and the named/unified ones').
std::vector<std::string> cgroupHierarchies();

// Moves `pid` into cgroupPath in every hierarchy, creating the directories
// (v1 cpuset: a new cgroup gets its parent's cpus and mems, as runc does).
// Throws with the first failure.
void moveToCgroup(pid_t pid, const std::string& cgroupPath);

// The cgroup for one container's crix-conmon from conmon_cgroup /
// monitor_cgroup: always a leaf of its own, "<parent>/crix-conmon-<id>" (as
// CRI-O's crio-conmon-<id>), because cgroup v2 refuses processes in a cgroup
// whose children use controllers. Parent: "pod" or "" = the pod's cgroup
// parent (CRI-O's meaning for cgroupfs); "x.slice" = "/x.slice"; anything
// else is taken as a cgroup path.
std::string resolveMonitorCgroup(const std::string& setting, const std::string& podCgroupParent,
                                 const std::string& containerId);

// Removes a cgroup that has no processes left in every hierarchy (rmdir; one
// that is already gone is fine). Throws (FailedPrecondition for EBUSY) with
// the first failure. For the crix-conmon cgroup after the container's
// crix-conmon exited.
void removeCgroup(const std::string& cgroupPath);

}  // namespace crix::oci

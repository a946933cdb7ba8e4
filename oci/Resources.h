// linux.resources (CPU, memory, hugepages, pids, unified) and
// linux.cgroupsPath for a container.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "config/Config.h"
#include "cri/api/Cri.h"
#include "oci/HostFacts.h"

namespace crix::oci {

// CRI-O's floor for memory limits when the runtime handler sets no
// container_min_memory: below it a container cannot even start.
inline constexpr std::int64_t kDefaultMinMemory = 12 * 1024 * 1024;

// The request's limits, 0 meaning unset, as containerd maps them:
// cpu_shares/quota/period, cpuset cpus/mems, memory limit; swap is
// memory_swap_limit_in_bytes, or the memory limit itself when only that is
// given (no swapping beyond the limit), and only where the node can limit
// swap; hugepage limits where the hugetlb controller exists (skipped with a
// warning otherwise); unified only on cgroup v2. crio.conf pids_limit > 0
// adds a pids limit. Throws InvalidArgument for values the kernel would
// refuse, naming the field.
nlohmann::json resourcesSection(const config::Config& cfg, const config::RuntimeHandler* handler,
                                const runtime::v1::LinuxContainerResources& resources,
                                const HostFacts& host);

// process.oomScoreAdj; InvalidArgument outside [-1000, 1000].
int oomScoreAdj(const runtime::v1::LinuxContainerResources& resources);

// cgroupfs: "<parent>/crix-<id>", parent "/crix" when the pod has none.
// systemd: "<parent slice>:crix:<id>", parent "system.slice" when none; a
// parent that is not a slice name is InvalidArgument, as in CRI-O.
std::string cgroupsPath(const std::string& cgroupManager, const std::string& parent,
                        const std::string& containerId);

}  // namespace crix::oci

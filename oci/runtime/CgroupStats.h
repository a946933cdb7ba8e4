// CPU and memory figures of one container's cgroup, for ContainerStats.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace crix::oci {

struct CgroupStats {
  std::int64_t timestampNanos = 0;      // when read, Unix nanoseconds
  std::uint64_t cpuUsageCoreNanos = 0;  // cumulative CPU time
  std::uint64_t memoryUsageBytes = 0;
  // usage minus inactive file pages (never below 0): what the kubelet evicts on.
  std::uint64_t memoryWorkingSetBytes = 0;
  std::uint64_t rssBytes = 0;  // anonymous memory
  std::uint64_t pageFaults = 0;
  std::uint64_t majorPageFaults = 0;
  std::optional<std::uint64_t> pids;  // nullopt without the pids controller
};

// cgroupsPath as in the runtime spec (cgroupfs driver: "/kubepods/pod1/crix-x").
// cgroup v2: cpu.stat, memory.current, memory.stat; v1 (also on hybrid
// hosts): cpuacct.usage, memory.usage_in_bytes, memory.stat (total_*).
// NotFound when the cgroup does not exist (container gone).
CgroupStats readCgroupStats(const std::string& cgroupsPath);

}  // namespace crix::oci

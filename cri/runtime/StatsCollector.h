// ContainerStats and PodSandboxStats from the cgroups runc made (CPU,
// memory) and the container's writable layer (bytes, inodes), as StatsCache
// has them: no call here walks a directory.
#pragma once

#include <vector>

#include "cri/api/Cri.h"
#include "cri/state/ContainerRecord.h"
#include "cri/state/PodRecord.h"
#include "cri/runtime/StatsCache.h"

namespace crix::cri {

class StatsCollector {
 public:
  StatsCollector(const StatsCache& cache, std::string imageFsMountpoint)
      : cache_(cache), imageFsMountpoint_(std::move(imageFsMountpoint)) {}

  void fillContainer(const ContainerRecord& ctr, runtime::v1::ContainerStats* out) const;
  // A pod's figures are its running containers' summed, not a pod cgroup's;
  // an infra container (drop_infra_ctr = false) is not among `containers`.
  void fillPod(const PodRecord& pod, const std::vector<ContainerRecord>& containers,
               runtime::v1::PodSandboxStats* out) const;

 private:
  const StatsCache& cache_;
  std::string imageFsMountpoint_;
};

}  // namespace crix::cri

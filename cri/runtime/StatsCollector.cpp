#include "cri/runtime/StatsCollector.h"

#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"
#include "cri/state/CriMessages.h"
#include "oci/runtime/CgroupStats.h"

namespace crix::cri {

namespace rt = runtime::v1;

void StatsCollector::fillContainer(const ContainerRecord& ctr, rt::ContainerStats* out) const {
  auto* attrs = out->mutable_attributes();
  attrs->set_id(ctr.id);
  *attrs->mutable_metadata() = ctr.config.metadata();
  *attrs->mutable_labels() = ctr.config.labels();
  *attrs->mutable_annotations() = ctr.config.annotations();

  if (const auto cg = cache_.cgroup(ctr.id, ctr.state == ContainerState::Running ? ctr.cgroupsPath : "")) {
    auto* cpu = out->mutable_cpu();
    cpu->set_timestamp(cg->timestampNanos);
    cpu->mutable_usage_core_nano_seconds()->set_value(cg->cpuUsageCoreNanos);
    auto* mem = out->mutable_memory();
    mem->set_timestamp(cg->timestampNanos);
    mem->mutable_working_set_bytes()->set_value(cg->memoryWorkingSetBytes);
    mem->mutable_usage_bytes()->set_value(cg->memoryUsageBytes);
    mem->mutable_rss_bytes()->set_value(cg->rssBytes);
    mem->mutable_page_faults()->set_value(cg->pageFaults);
    mem->mutable_major_page_faults()->set_value(cg->majorPageFaults);
  }
  // Left out until the background walk has measured it once.
  if (const auto disk = cache_.writableLayer(ctr.id)) {
    auto* fs = out->mutable_writable_layer();
    fs->set_timestamp(disk->timestampNanos);
    fs->mutable_fs_id()->set_mountpoint(imageFsMountpoint_);
    fs->mutable_used_bytes()->set_value(disk->usage.usedBytes);
    fs->mutable_inodes_used()->set_value(disk->usage.inodesUsed);
  }
}

void StatsCollector::fillPod(const PodRecord& pod, const std::vector<ContainerRecord>& containers,
                             rt::PodSandboxStats* out) const {
  auto* attrs = out->mutable_attributes();
  attrs->set_id(pod.id);
  *attrs->mutable_metadata() = pod.config.metadata();
  *attrs->mutable_labels() = pod.config.labels();
  *attrs->mutable_annotations() = pod.config.annotations();

  const int64_t now = nowNanos();
  auto* linux = out->mutable_linux();
  uint64_t cpuNanos = 0, workingSet = 0, usage = 0, rss = 0, faults = 0, majorFaults = 0;
  for (const auto& ctr : containers) {
    if (ctr.podId != pod.id || ctr.state != ContainerState::Running) continue;
    rt::ContainerStats stats;
    fillContainer(ctr, &stats);
    cpuNanos += stats.cpu().usage_core_nano_seconds().value();
    workingSet += stats.memory().working_set_bytes().value();
    usage += stats.memory().usage_bytes().value();
    rss += stats.memory().rss_bytes().value();
    faults += stats.memory().page_faults().value();
    majorFaults += stats.memory().major_page_faults().value();
    *linux->add_containers() = stats;
  }
  auto* cpu = linux->mutable_cpu();
  cpu->set_timestamp(now);
  cpu->mutable_usage_core_nano_seconds()->set_value(cpuNanos);
  auto* mem = linux->mutable_memory();
  mem->set_timestamp(now);
  mem->mutable_working_set_bytes()->set_value(workingSet);
  mem->mutable_usage_bytes()->set_value(usage);
  mem->mutable_rss_bytes()->set_value(rss);
  mem->mutable_page_faults()->set_value(faults);
  mem->mutable_major_page_faults()->set_value(majorFaults);
}

}  // namespace crix::cri

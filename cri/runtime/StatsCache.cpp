#include "cri/runtime/StatsCache.h"

#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"

namespace crix::cri {

StatsCache::StatsCache(StatsSources sources, std::chrono::seconds period)
    : sources_(std::move(sources)), period_(period), worker_([this] { run(); }) {}

StatsCache::~StatsCache() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  worker_.join();
}

// Every round walks the disk; with a period it also reads the cgroups.
void StatsCache::run() {
  const auto round = periodic() ? period_ : kDiskPeriodOnDemand;
  for (;;) {
    try {
      collect();
    } catch (const std::exception& e) {
      // A round that fails keeps the last figures; the next may succeed.
      log::warn("stats collection: ", e.what());
    }
    std::unique_lock lock(mutex_);
    ++rounds_;
    if (wake_.wait_for(lock, round, [&] { return stopping_; })) return;
  }
}

// Measures with no lock held, then swaps the results in: readers never wait
// for a walk.
void StatsCache::collect() {
  std::map<std::string, Disk> layers;
  std::map<std::string, oci::CgroupStats> cgroups;
  for (const auto& ctr : sources_.containers()) {
    try {
      layers[ctr.id] = Disk{sources_.writableLayer(ctr.id), nowNanos()};
    } catch (const Error& e) {
      log::debug("writable layer usage of container ", ctr.id, ": ", e.what());
    }
    if (periodic() && !ctr.cgroupsPath.empty()) {
      try {
        cgroups[ctr.id] = sources_.cgroup(ctr.cgroupsPath);
      } catch (const Error& e) {
        // It may have exited since the listing.
        log::debug("cgroup stats of container ", ctr.id, ": ", e.what());
      }
    }
  }
  Disk imageFs{sources_.imageFs(), nowNanos()};
  Disk containerFs{sources_.containerFs(), nowNanos()};
  std::lock_guard lock(mutex_);
  layers_ = std::move(layers);
  imageFs_ = std::move(imageFs);
  containerFs_ = std::move(containerFs);
  if (periodic()) cgroups_ = std::move(cgroups);
}

std::optional<StatsCache::Disk> StatsCache::writableLayer(const std::string& id) const {
  std::lock_guard lock(mutex_);
  auto it = layers_.find(id);
  if (it == layers_.end()) return std::nullopt;
  return it->second;
}

StatsCache::Disk StatsCache::imageFs() const {
  std::lock_guard lock(mutex_);
  return imageFs_;
}

StatsCache::Disk StatsCache::containerFs() const {
  std::lock_guard lock(mutex_);
  return containerFs_;
}

std::optional<oci::CgroupStats> StatsCache::cgroup(const std::string& id, const std::string& cgroupsPath) const {
  if (cgroupsPath.empty()) return std::nullopt;
  if (periodic()) {
    std::lock_guard lock(mutex_);
    auto it = cgroups_.find(id);
    if (it == cgroups_.end()) return std::nullopt;
    return it->second;
  }
  try {
    return sources_.cgroup(cgroupsPath);
  } catch (const Error& e) {
    // The container may have exited between the listing and the read.
    log::debug("cgroup stats of container ", id, ": ", e.what());
    return std::nullopt;
  }
}

uint64_t StatsCache::rounds() const {
  std::lock_guard lock(mutex_);
  return rounds_;
}

}  // namespace crix::cri

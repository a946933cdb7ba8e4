// What stats RPCs read instead of the disk and, when crio.conf asks for it,
// instead of the cgroups: one background worker measures every container's
// writable layer and the image and container filesystems (ImageFsInfo), so
// no RPC walks a directory tree. With `[crio.stats] stats_collection_period
// = N` (N > 0) it also reads each running container's cgroup every N
// seconds, and stats carry the time of that reading, as in CRI-O; with 0 the
// cgroups are read on each call (a few small files), and disk usage is still
// walked in the background, every kDiskPeriodOnDemand.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "oci/runtime/CgroupStats.h"
#include "storage/DirectoryUsage.h"

namespace crix::cri {

// What the worker measures, passed in so that the cache is tested without
// containers.
struct StatsSources {
  struct Live {
    std::string id;
    std::string cgroupsPath;  // empty: not running, no cgroup figures
  };
  std::function<std::vector<Live>()> containers;
  // Bytes and inodes of a container's writable layer; throws when it has none.
  std::function<storage::DirectoryUsage(const std::string& id)> writableLayer;
  std::function<storage::DirectoryUsage()> imageFs;
  std::function<storage::DirectoryUsage()> containerFs;
  std::function<oci::CgroupStats(const std::string& cgroupsPath)> cgroup;
};

class StatsCache {
 public:
  static constexpr std::chrono::seconds kDiskPeriodOnDemand{10};

  // Starts the worker, whose first round runs at once. `period` 0: cgroups
  // on demand.
  StatsCache(StatsSources sources, std::chrono::seconds period);
  ~StatsCache();
  StatsCache(const StatsCache&) = delete;
  StatsCache& operator=(const StatsCache&) = delete;

  struct Disk {
    storage::DirectoryUsage usage;
    int64_t timestampNanos = 0;  // when measured; 0: not measured yet
  };
  // The last measurement; nullopt for a container not measured yet.
  std::optional<Disk> writableLayer(const std::string& id) const;
  Disk imageFs() const;
  Disk containerFs() const;
  // The cgroup figures: from the last round when collecting periodically,
  // read now otherwise. nullopt when there are none (no cgroupsPath: not
  // running; not collected yet; gone).
  std::optional<oci::CgroupStats> cgroup(const std::string& id, const std::string& cgroupsPath) const;

  bool periodic() const { return period_.count() > 0; }
  // Rounds finished so far, for tests.
  uint64_t rounds() const;

 private:
  void run();
  void collect();

  const StatsSources sources_;
  const std::chrono::seconds period_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  uint64_t rounds_ = 0;
  std::map<std::string, Disk> layers_;
  std::map<std::string, oci::CgroupStats> cgroups_;
  Disk imageFs_, containerFs_;
  std::thread worker_;  // last: starts once everything above exists
};

}  // namespace crix::cri

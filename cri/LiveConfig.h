// The daemon's current configuration. A SIGHUP reload swaps in a new snapshot;
// an RPC keeps the snapshot it started with, so one call never sees half of a
// reload. It also keeps the parsed registries.conf those snapshots point to.
#pragma once

#include <memory>
#include <mutex>

#include "config/Config.h"
#include "cri/RegistriesCache.h"

namespace crix::cri {

class LiveConfig {
 public:
  explicit LiveConfig(config::Config initial)
      : current_(std::make_shared<const config::Config>(std::move(initial))) {}

  std::shared_ptr<const config::Config> snapshot() const {
    std::lock_guard lock(mutex_);
    return current_;
  }

  void replace(config::Config next) {
    auto fresh = std::make_shared<const config::Config>(std::move(next));
    std::lock_guard lock(mutex_);
    current_ = std::move(fresh);
  }

  // registries.conf as `cfg` (a snapshot from above) names it; parsed again
  // only when its files change.
  std::shared_ptr<const registry::RegistriesConf> registries(const config::Config& cfg) const {
    return registries_.current(cfg);
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const config::Config> current_;
  mutable RegistriesCache registries_;
};

}  // namespace crix::cri

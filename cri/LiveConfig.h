// The daemon's current configuration. A SIGHUP reload swaps in a new snapshot;
// an RPC keeps the snapshot it started with, so one call never sees half of a
// reload.
#pragma once

#include <memory>
#include <mutex>

#include "config/Config.h"

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

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const config::Config> current_;
};

}  // namespace crix::cri

// Where the time of one layer unpack went, so the pull benchmark can tell a
// slow network from a slow decompressor from a slow disk.
#pragma once

#include <chrono>

namespace crix::layer {

struct UnpackTimings {
  using Duration = std::chrono::nanoseconds;
  Duration reading{};        // blocked on the ByteSource (network, producer)
  Duration decompressing{};  // inflating gzip/zstd, reading excluded
  Duration digesting{};      // both SHA-256 computations
  Duration writing{};        // tar parsing and filesystem work: the rest
};

// Adds the lifetime of the scope to one of the counters.
class ScopedTimer {
 public:
  explicit ScopedTimer(UnpackTimings::Duration& total)
      : total_(total), start_(std::chrono::steady_clock::now()) {}
  ~ScopedTimer() { total_ += std::chrono::steady_clock::now() - start_; }
  ScopedTimer(const ScopedTimer&) = delete;
  ScopedTimer& operator=(const ScopedTimer&) = delete;

 private:
  UnpackTimings::Duration& total_;
  std::chrono::steady_clock::time_point start_;
};

// Charges to one counter the time of a pipeline stage's scope minus whatever
// the stages it called charged to any counter meanwhile, so nested stages
// (decoder -> blob reader) are never counted twice.
class ExclusiveTimer {
 public:
  ExclusiveTimer(UnpackTimings& timings, UnpackTimings::Duration UnpackTimings::*counter)
      : timings_(timings),
        counter_(counter),
        start_(std::chrono::steady_clock::now()),
        chargedBefore_(charged()) {}
  ~ExclusiveTimer() {
    const auto elapsed = std::chrono::steady_clock::now() - start_;
    const auto chargedByOthers = charged() - chargedBefore_;
    timings_.*counter_ += elapsed - chargedByOthers;
  }
  ExclusiveTimer(const ExclusiveTimer&) = delete;
  ExclusiveTimer& operator=(const ExclusiveTimer&) = delete;

 private:
  UnpackTimings::Duration charged() const {
    return timings_.reading + timings_.decompressing + timings_.digesting + timings_.writing;
  }

  UnpackTimings& timings_;
  UnpackTimings::Duration UnpackTimings::*counter_;
  std::chrono::steady_clock::time_point start_;
  UnpackTimings::Duration chargedBefore_;
};

}  // namespace crix::layer

// A bound on RPCs that can take seconds (pod run/stop/remove, container
// create/start/stop/remove, resource updates, ExecSync, pulls and loads):
// beyond it they are refused with RESOURCE_EXHAUSTED at once. The gRPC
// thread quota (crio.api grpc_max_threads) bounds all calls; this keeps a
// share of those threads for the quick ones (Version, List, Status), so that
// a burst of slow probes never leaves the kubelet unable to ask how the node
// is.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

namespace crix::cri {

class SlowCallLimit {
 public:
  // Threads gRPC keeps for its pollers and the quick calls.
  static constexpr std::int64_t kReservedThreads = 8;

  explicit SlowCallLimit(std::int64_t grpcMaxThreads);

  // Held for the length of one slow call.
  class Slot {
   public:
    explicit Slot(std::atomic<std::int64_t>& running) : running_(&running) {}
    Slot(Slot&& other) noexcept : running_(other.running_) { other.running_ = nullptr; }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    Slot& operator=(Slot&&) = delete;
    ~Slot() {
      if (running_) running_->fetch_sub(1);
    }

   private:
    std::atomic<std::int64_t>* running_;
  };

  // Throws ResourceExhausted naming the RPC when the limit is reached.
  Slot enter(std::string_view rpc);

 private:
  const std::int64_t capacity_;
  std::atomic<std::int64_t> running_{0};
};

}  // namespace crix::cri

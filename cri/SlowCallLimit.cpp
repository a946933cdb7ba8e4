#include "cri/SlowCallLimit.h"

#include <algorithm>
#include <string>

#include "core/Error.h"

namespace crix::cri {

SlowCallLimit::SlowCallLimit(std::int64_t grpcMaxThreads)
    : capacity_(std::max<std::int64_t>(1, grpcMaxThreads - kReservedThreads)) {}

SlowCallLimit::Slot SlowCallLimit::enter(std::string_view rpc) {
  if (running_.fetch_add(1) >= capacity_) {
    running_.fetch_sub(1);
    throw Error{StatusCode::ResourceExhausted,
                std::string(rpc) + ": " + std::to_string(capacity_) +
                    " slow calls are already running (crio.api grpc_max_threads less " +
                    std::to_string(kReservedThreads) + " kept for quick calls); retry later"};
  }
  return Slot(running_);
}

}  // namespace crix::cri

#pragma once

#include <chrono>
#include <cstdint>

namespace crix::cri {

// CRI timestamps are Unix nanoseconds.
inline int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crix::cri

// The one wall clock: CRI timestamps, exit times and log times are all Unix
// nanoseconds from here.
#pragma once

#include <chrono>
#include <cstdint>

namespace crix {

// CRI timestamps are Unix nanoseconds.
inline int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace crix

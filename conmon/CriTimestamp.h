// The timestamp that starts every CRI log line: RFC 3339 in UTC with all nine
// digits of nanoseconds, "2026-11-27T13:54:59.123456789Z". A fixed width keeps
// the lines sortable as text.
#pragma once

#include <time.h>

#include <cstddef>

namespace crix::conmon {

inline constexpr size_t kCriTimestampLength = 30;

// Writes exactly kCriTimestampLength characters (no terminator) to `out`.
// Computed by hand: gmtime() would read /etc/localtime on first use.
void formatCriTimestamp(const timespec& ts, char* out);

}  // namespace crix::conmon

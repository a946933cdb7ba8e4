// Times and ages printed the way crictl's Go code prints them, because
// scripts parse crictl's tables and inspect output.
#pragma once

#include <cstdint>
#include <string>

namespace crixctl {

// go-units HumanDuration: "Less than a second", "5 seconds", "About a minute",
// "3 hours", "2 weeks", ...
std::string humanDuration(std::int64_t nanoseconds);

// "<humanDuration(now - unixNanos)> ago", crictl's CREATED column.
std::string agoText(std::int64_t unixNanos);

// time.Unix(0, ns).Format(time.RFC3339Nano) in local time:
// "2024-05-01T10:00:00.5Z", fraction without trailing zeros.
std::string rfc3339Nano(std::int64_t unixNanos);
// Go's zero time.Time in RFC3339Nano: what crictl shows for never.
inline constexpr const char* kGoZeroTime = "0001-01-01T00:00:00Z";

// time.Unix(0, ns).String() in local time:
// "2024-05-01 10:00:00.5 +0000 UTC".
std::string goTimeString(std::int64_t unixNanos);

// Nanoseconds since the epoch, now.
std::int64_t nowUnixNanos();

}  // namespace crixctl

// Durations written the way Go's time.ParseDuration reads them ("2s",
// "500ms", "1m30s"), because crictl's --timeout takes that syntax and scripts
// written for crictl pass it unchanged.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

namespace crixctl {

// Throws crix::Error (InvalidArgument) for text Go would reject.
std::chrono::nanoseconds parseDuration(std::string_view text);

// Go's Duration.String(): "2s", "1.5s", "500ms", "1h2m3s", "0s".
std::string formatDuration(std::chrono::nanoseconds d);

}  // namespace crixctl

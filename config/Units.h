// The two value syntaxes crio.conf borrows from Go libraries: durations as
// Go's time.ParseDuration reads them, and memory sizes as docker's
// units.RAMInBytes reads them. Formatting produces text both crix and CRI-O
// parse back to the same value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/Config.h"

namespace crix::config {

// "300ms", "1.5h", "2h45m", "-1s", "0". nullopt on bad syntax or overflow.
std::optional<Duration> parseDuration(std::string_view text);
// Go's shape: "0s", "250ms", "1.5s", "4h0m0s".
std::string formatDuration(Duration d);

// "12MiB", "500k", "1.5g", "1048576" (bytes). Binary multiples whatever the
// spelling, as RAMInBytes does. nullopt on bad syntax, overflow, or "".
std::optional<ByteSize> parseByteSize(std::string_view text);
// Largest whole binary unit: "12MiB", "500KiB", "1000"; "" for 0.
std::string formatByteSize(ByteSize size);

}  // namespace crix::config

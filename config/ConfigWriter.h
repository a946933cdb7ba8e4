// Writing a Config back out: as TOML for `crix config`, and as JSON for the
// CRI Status verbose info.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "config/Config.h"

namespace crix::config {

// Every key crix knows, with the value in effect, in crio.conf's tables.
// load() reads the text back to an equal Config.
std::string toToml(const Config& cfg);

// The same keys and nesting as toToml(): {"crio": {"root": ..., "api": {...},
// "runtime": {..., "runtimes": {"runc": {...}}}, ...}}. Durations and sizes
// are the strings the TOML uses ("4h0m0s", "12MiB").
nlohmann::json toJson(const Config& cfg);

}  // namespace crix::config

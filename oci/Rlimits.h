// process.rlimits from crio.conf's default_ulimits ("nofile=1024:2048").
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace crix::oci {

struct Rlimit {
  std::string type;  // "RLIMIT_NOFILE"
  std::uint64_t soft = 0;
  std::uint64_t hard = 0;
};

// "name=soft[:hard]" as docker's --ulimit reads it: hard defaults to soft,
// -1 is unlimited. Throws FailedPrecondition (crio.conf is wrong) for
// malformed entries.
Rlimit parseUlimit(const std::string& spec);

nlohmann::json rlimitsSection(const std::vector<std::string>& defaultUlimits);

}  // namespace crix::oci

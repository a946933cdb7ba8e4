// The output of crictl's status-style verbs (info, inspect, inspectp and
// inspecti): one JSON document that merges the typed status with the
// runtime's free-form verbose `info` map, whose values are themselves JSON.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crixctl {

struct StatusData {
  std::optional<nlohmann::json> status{};           // under "status"
  std::optional<nlohmann::json> runtimeHandlers{};  // under "runtimeHandlers"
  std::optional<nlohmann::json> features{};         // under "features"
  std::map<std::string, std::string> info{};        // merged at top level
};

// One entry prints as a bare object, several as a list (crictl's "old
// behaviour"). `format` is json or yaml; anything else is an error
// `unsupported format: "..."`. Throws crix::Error for unparsable info.
void printStatusData(const std::vector<StatusData>& statuses, std::string_view format);

}  // namespace crixctl

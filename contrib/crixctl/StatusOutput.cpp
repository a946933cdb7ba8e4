#include "contrib/crixctl/StatusOutput.h"

#include <iostream>

#include "contrib/crixctl/Output.h"
#include "core/Error.h"

namespace crixctl {
namespace {

nlohmann::json merge(const StatusData& data) {
  nlohmann::json out = nlohmann::json::object();
  if (data.status) out["status"] = *data.status;
  if (data.runtimeHandlers) out["runtimeHandlers"] = *data.runtimeHandlers;
  if (data.features) out["features"] = *data.features;
  for (const auto& [key, value] : data.info) {
    if (!value.empty() && value.front() == '{') {
      // The runtime's verbose details are JSON objects encoded as strings.
      try {
        out[key] = nlohmann::json::parse(value);
      } catch (const nlohmann::json::exception& e) {
        throw crix::Error::internal("unmarshal status info JSON: " + std::string(e.what()));
      }
    } else {
      std::string_view text = value;
      while (!text.empty() && text.front() == '"') text.remove_prefix(1);
      while (!text.empty() && text.back() == '"') text.remove_suffix(1);
      out[key] = std::string(text);
    }
  }
  return out;
}

}  // namespace

void printStatusData(const std::vector<StatusData>& statuses, std::string_view format) {
  if (statuses.empty()) return;
  nlohmann::json result;
  if (statuses.size() == 1) {
    result = merge(statuses.front());
  } else {
    result = nlohmann::json::array();
    for (const auto& s : statuses) result.push_back(merge(s));
  }

  normalizeGoNumbers(result);
  if (format == "json") {
    std::cout << goJsonText(result) << "\n";
  } else if (format == "yaml") {
    printYaml(result);
  } else {
    throw crix::Error::invalidArgument("unsupported format: \"" + std::string(format) + "\"");
  }
}

}  // namespace crixctl

#include "contrib/crixctl/RemoteCommandStatus.h"

#include <charconv>

#include <nlohmann/json.hpp>

namespace crixctl {
namespace {

RemoteCommandOutcome failure(std::string message) { return {1, std::move(message)}; }

std::string stringField(const nlohmann::json& object, const char* name) {
  const auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

RemoteCommandOutcome outcomeOfStatus(std::string_view statusJson) {
  if (statusJson.empty()) return {};
  const nlohmann::json status = nlohmann::json::parse(statusJson, nullptr, false);
  if (status.is_discarded() || !status.is_object())
    return failure("error stream protocol error: the error channel holds no JSON Status: \"" +
                   std::string(statusJson.substr(0, 200)) + "\"");
  const std::string outcome = stringField(status, "status");
  if (outcome == "Success") return {};
  const std::string message = stringField(status, "message");
  if (outcome == "Failure" && stringField(status, "reason") == "NonZeroExitCode") {
    const nlohmann::json details = status.value("details", nlohmann::json::object());
    const nlohmann::json causes =
        details.is_object() ? details.value("causes", nlohmann::json::array()) : nlohmann::json::array();
    for (const auto& cause : causes.is_array() ? causes : nlohmann::json::array()) {
      if (!cause.is_object() || stringField(cause, "reason") != "ExitCode") continue;
      const std::string text = stringField(cause, "message");
      int code = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), code);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size())
        return failure("error stream protocol error: invalid exit code value \"" + text + "\"");
      return {code, {}};
    }
  }
  return failure(message.empty() ? "the command failed with status " + std::string(statusJson.substr(0, 200))
                                 : message);
}

std::string terminalSizeMessage(unsigned width, unsigned height) {
  return "{\"Width\":" + std::to_string(width) + ",\"Height\":" + std::to_string(height) + "}";
}

}  // namespace crixctl

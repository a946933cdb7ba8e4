#include "cri/streaming/RemoteCommandStatus.h"

#include <nlohmann/json.hpp>

namespace crix::streaming {

RemoteCommandStatus remoteCommandStatus(RemoteCommandKind kind, const RemoteCommandOutcome& outcome) {
  using nlohmann::ordered_json;
  RemoteCommandStatus status;
  ordered_json json;
  json["metadata"] = ordered_json::object();
  if (!outcome.failure.empty()) {
    // apierrors.NewInternalError of kubelet's wrapped error.
    const std::string cause = std::string(kind == RemoteCommandKind::Exec ? "error executing command in container: "
                                                                          : "error attaching to container: ") +
                              outcome.failure;
    status.success = false;
    status.message = "Internal error occurred: " + cause;
    json["status"] = "Failure";
    json["message"] = status.message;
    json["reason"] = "InternalError";
    json["details"] = {{"causes", ordered_json::array({ordered_json{{"message", cause}}})}};
    json["code"] = 500;
  } else if (kind == RemoteCommandKind::Exec && outcome.exitCode != 0) {
    // The inner text is what Go's exec.ExitError prints, as CRI-O's is.
    status.success = false;
    status.message = "command terminated with non-zero exit code: exit status " + std::to_string(outcome.exitCode);
    json["status"] = "Failure";
    json["message"] = status.message;
    json["reason"] = "NonZeroExitCode";
    json["details"] = {
        {"causes", ordered_json::array({ordered_json{{"reason", "ExitCode"}, {"message", std::to_string(outcome.exitCode)}}})}};
  } else {
    json["status"] = "Success";
  }
  status.json = json.dump();
  return status;
}

std::optional<std::string> errorStreamPayload(RemoteCommandKind kind, const RemoteCommandOutcome& outcome,
                                              bool statusJson) {
  const RemoteCommandStatus status = remoteCommandStatus(kind, outcome);
  if (statusJson) return status.json;
  if (status.success) return std::nullopt;
  return status.message;
}

}  // namespace crix::streaming

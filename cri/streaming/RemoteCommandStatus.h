// What goes on the error stream (SPDY) / error channel (WebSocket) when an
// exec or attach ends, as kubelet writes it (remotecommand/exec.go,
// attach.go, httpstream.go):
//  - v4/v5 ("statusJson"): a JSON metav1.Status, Success too. A non-zero
//    exit is Failure/NonZeroExitCode with the code as the "ExitCode" cause,
//    which client-go turns into its exit-code error; a failure is an
//    InternalError status (code 500) whose message says what failed.
//  - older protocols: only a failure's text (the status message), nothing
//    on success.
#pragma once

#include <optional>
#include <string>

#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming {

enum class RemoteCommandKind { Exec, Attach };

// The metav1.Status kubelet sends for `outcome`, and its message.
struct RemoteCommandStatus {
  bool success = true;
  std::string message;
  std::string json;
};

RemoteCommandStatus remoteCommandStatus(RemoteCommandKind kind, const RemoteCommandOutcome& outcome);

// The bytes for the error stream; nothing when nothing is written.
std::optional<std::string> errorStreamPayload(RemoteCommandKind kind, const RemoteCommandOutcome& outcome,
                                              bool statusJson);

}  // namespace crix::streaming

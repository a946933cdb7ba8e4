// What the error channel of an exec or attach stream means for crixctl's
// exit code. With v4.channel.k8s.io and v5.channel.k8s.io the server writes
// one metav1.Status as JSON there when the command ends (client-go's
// errorDecoderV4 reads it so):
//   {"status":"Success"}                                    -> exit 0
//   {"status":"Failure","reason":"NonZeroExitCode",
//    "details":{"causes":[{"reason":"ExitCode","message":"3"}]}} -> exit 3
//   {"status":"Failure","message":"..."}                    -> print, exit 1
// Nothing on the channel at all also means success.
#pragma once

#include <string>
#include <string_view>

namespace crixctl {

struct RemoteCommandOutcome {
  int exitCode = 0;
  std::string failure;  // non-empty: the message to print (exitCode is 1)
};

RemoteCommandOutcome outcomeOfStatus(std::string_view statusJson);

// The resize channel's message: {"Width":W,"Height":H}, as kubelet decodes
// it into remotecommand.TerminalSize.
std::string terminalSizeMessage(unsigned width, unsigned height);

}  // namespace crixctl

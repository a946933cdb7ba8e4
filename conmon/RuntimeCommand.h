// The OCI runtime command lines crix-conmon runs (runc's syntax, which crun
// and youki share).
#pragma once

#include <string>
#include <vector>

#include "conmon/Options.h"

namespace crix::conmon {

// RUNTIME [--root R] [ARG...] create --bundle DIR --pid-file F [--console-socket S] ID
std::vector<std::string> runtimeCreateCommand(const Options& o, const std::string& consoleSocket);

// RUNTIME [--root R] [ARG...] exec --detach --pid-file F --process FILE
//         [--tty --console-socket S] ID
// Detached, so that the exec'd process becomes crix-conmon's child (subreaper)
// and can be waited for and killed without the runtime in between.
std::vector<std::string> runtimeExecCommand(const Options& o, const std::string& pidFile,
                                            const std::string& consoleSocket);

}  // namespace crix::conmon

// Waiting for the runtime's create or exec command, the one phase in which
// crix-conmon blocks on something other than its event loop.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>

#include "core/UniqueFd.h"

namespace crix::conmon {

class ConsoleSocket;
class Reaper;
class SignalChannel;

struct RuntimeOutcome {
  int waitStatus = 0;
  bool timedOut = false;
  UniqueFd terminal;  // the pty master, when a console socket was given and used
};

// Waits for the runtime process `pid` to exit. Meanwhile it accepts the
// terminal on `console` (if any), forwards termination signals to the runtime
// and reaps whatever else exits. Past `deadline` the runtime is killed.
RuntimeOutcome awaitRuntime(pid_t pid, SignalChannel& signals, Reaper& reaper, ConsoleSocket* console,
                            std::optional<std::chrono::steady_clock::time_point> deadline);

// What the runtime wrote on `stderrFd` (the read end of its stderr pipe) until
// every writer closed it, bounded in time and size; trailing newlines cut off.
std::string collectRuntimeError(int stderrFd);

// The pid the runtime wrote to `path`.
pid_t readPidFile(const std::string& path);

}  // namespace crix::conmon

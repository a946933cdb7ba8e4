// The signals crix-conmon reacts to arrive on a signalfd, in the event loop,
// instead of interrupting it: SIGCHLD (something to reap) and the termination
// signals, which are forwarded to the container as conmon does.
#pragma once

#include <signal.h>

#include <optional>

#include "core/UniqueFd.h"

namespace crix::conmon {

class SignalChannel {
 public:
  // Blocks the signals for the whole process (before anything is forked) and
  // ignores SIGPIPE so that a vanished reader is an EPIPE, not a death.
  SignalChannel();
  ~SignalChannel();
  SignalChannel(const SignalChannel&) = delete;
  SignalChannel& operator=(const SignalChannel&) = delete;

  int fd() const { return fd_.get(); }
  // The next pending signal, or nullopt when none is pending.
  std::optional<int> next();

  // For a forked child, before exec: default dispositions and no blocked
  // signals, so that the runtime and the container do not inherit ours.
  static void restoreInChild();

 private:
  UniqueFd fd_;
};

// Signals the daemon (or an operator) may send to stop the container; they are
// forwarded to the container process.
bool isTerminationSignal(int sig);

}  // namespace crix::conmon

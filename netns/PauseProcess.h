// The pause process of a pod with a shared pid namespace: `crix-conmon pause`
// (conmon/README.md, Pause mode), PID 1 of the pod's pid namespace, in the
// pod's network/IPC/UTS namespaces. It is nobody's child once started (the
// process crix forks exits right after forking it), so it survives daemon
// restarts and is found again from its pid file.
#pragma once

#include <sys/types.h>

#include <string>

namespace crix::netns {

struct PauseRequest {
  std::string binary;   // crix-conmon
  std::string podId;
  std::string pidFile;  // crix-conmon writes the pause pid there
  // Pinned namespaces to join first; "" keeps the daemon's.
  std::string network, ipc, uts;
};

// Starts it and returns its pid (host view) once the pid file is written.
// Throws Internal with crix-conmon's own message when it failed.
pid_t startPause(const PauseRequest& request);

// Whether `pid` is the pause process of `podId`: when `pidNamespaceFile` is
// given, its pid namespace is that one; else its command line says so.
bool isPauseOf(pid_t pid, const std::string& podId, const std::string& pidNamespaceFile);

// SIGTERM, SIGKILL after `grace`, then waits (bounded) until it is gone
// (a zombie waiting for init to reap it counts as gone). A process that is
// not (or no longer) the pod's pause is left alone. Throws Internal when it
// does not die.
void stopPause(pid_t pid, const std::string& podId, const std::string& pidNamespaceFile);

}  // namespace crix::netns

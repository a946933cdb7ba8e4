// A streaming exec (CRI Exec: kubectl exec [-it]): one process in a running
// container, run by crix-conmon in streaming exec mode (conmon/README.md,
// "Exec mode", streaming) as the daemon's direct child. Its output and input
// go through crix-conmon's attach socket (AttachSocket.h); its terminal is
// resized through the control FIFO.
//
//   ExecSession exec(request);              // returns once the process runs
//   UniqueFd c = connectAttachSocket(exec.attachPath());
//   ... sendAttachInput / closeAttachInput / receiveAttachPacket until EOF ...
//   int code = *exec.wait(10s);             // the exit file is there by EOF
//
// Output from before the first connect is kept for the first client (up to
// 4 MiB); crix-conmon waits for that client (up to 60 s) even when the
// process has ended, so a session nobody will attach to should be kill()ed
// or destroyed. The process's stdin is the first client's input: the first
// client that half-closes (or closes) ends it. Thread-safe: wait(), kill()
// and resize() may be called from different threads.
#pragma once

#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/PrivateDirectory.h"
#include "oci/runtime/DirectChild.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::oci {

struct ExecSessionRequest {
  RuntimeHandlerInfo runtime;
  std::string containerId;
  // The OCI process (execProcessFromSpec in ExecSync.h); its "terminal"
  // decides whether the exec gets a pty (then all output is stdout).
  nlohmann::json process;
  // The process reads the attach clients' input; without, its stdin is
  // /dev/null (a terminal still exists, its input is dropped).
  bool stdin = false;
  // Once a client has connected, all clients going away before the process
  // ended kills it and everything it started; so does no client connecting
  // within 60 s. Off: the exec runs to its end whatever the clients do.
  bool killOnDetach = true;
  // An existing directory (e.g. the container's exec dir); a private
  // exec-XXXXXX directory with the attach socket, control FIFO, process
  // file, exit file and crix-conmon's stderr is made in it and removed by
  // the destructor. Its length does not matter (see AttachSocket.h).
  std::string parentDir;
  // How long runc exec may take to start the process.
  std::chrono::seconds startTimeout{60};
};

class ExecSession {
 public:
  // Starts crix-conmon and returns once it reported the process's pid.
  // Errors (nothing is left behind: crix-conmon reaped, directory removed):
  //   InvalidArgument   empty containerId/parentDir, process without args
  //   Unknown           "exec failed: <runtime's text>", e.g. runc's
  //                     `exec: "/nope": stat /nope: no such file or directory`
  //                     (the process could not be started), or crix-conmon
  //                     died without a word (with the tail of its stderr)
  //   DeadlineExceeded  no report within startTimeout (crix-conmon killed)
  //   Internal / from errno: the daemon's own failures (mkdtemp, fork, ...)
  explicit ExecSession(const ExecSessionRequest& request);
  // Kills a process still running (as kill()), waits for crix-conmon (up to
  // ~10 s, then SIGKILL), reaps it and removes the directory.
  ~ExecSession();
  ExecSession(const ExecSession&) = delete;
  ExecSession& operator=(const ExecSession&) = delete;

  // The attach socket; connect with connectAttachSocket().
  const std::string& attachPath() const { return attachPath_; }
  const std::string& directory() const { return dir_.path(); }
  int pid() const { return pid_; }  // the exec'd process, as the node sees it
  int monitorPid() const { return monitor_.pid(); }
  bool terminal() const { return terminal_; }

  // Resizes the terminal: rows (height) first, then columns. Ignored by
  // crix-conmon without a terminal. NotFound / FailedPrecondition once
  // crix-conmon has exited (the exec is over).
  void resize(unsigned rows, unsigned columns);

  // Waits up to `timeout` for the exec to end; its exit code (128 + signal
  // when killed), or nullopt while it still runs. Once a client has read
  // end of file on the attach socket, the end is there or moments away.
  // Errors: Unknown when crix-conmon reported a failure in the exit file,
  // Internal when it ended without one.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  // Kills the process and everything it started (crix-conmon's exec kill, as
  // for a timeout). Returns at once; wait() then gives 137. Does nothing once
  // the exec is over.
  void kill();

 private:
  PrivateDirectory dir_;  // first: removed after crix-conmon is reaped
  std::string attachPath_, ctlFifo_, exitFile_, stderrFile_;
  bool terminal_ = false;
  int pid_ = 0;
  DirectChild monitor_;  // crix-conmon
  std::mutex resultMutex_;
  std::optional<int> exitCode_;
};

}  // namespace crix::oci

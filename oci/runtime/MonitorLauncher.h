// Starting a container: crix-conmon in create mode, double-forked so that it
// belongs to no one and outlives a daemon restart (conmon/README.md,
// "Starting it" and "Create mode"). When startMonitor returns, the container
// exists in runc state "created"; OciRuntime::start runs it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::oci {

struct MonitorStart {
  std::string containerId;
  std::string bundleDir;  // holds config.json; crix-conmon's working directory
  RuntimeHandlerInfo runtime;
  std::string logPath;           // the container's CRI log
  std::int64_t logSizeMax = -1;  // <= 0: no limit
  bool terminal = false;
  bool stdin = false;
  bool stdinOnce = false;
  std::string exitFile;
  std::string attachSocket;
  std::string ctlFifo;
  std::string pidFile;        // runc --pid-file: the container's pid
  std::string conmonPidFile;  // "" = none
  std::string cgroupPath;     // the spec's linux.cgroupsPath, for OOM detection; "" = from /proc
  std::string conmonLogPath;  // crix-conmon's stderr; "" = <bundleDir>/conmon.log
  // cgroupfs path of crix-conmon's own cgroup (resolveMonitorCgroup), made in
  // every hierarchy; the daemon removes it (removeCgroup) after crix-conmon
  // exited. "" keeps crix-conmon in the daemon's cgroup. Failing to move it
  // is only a warning: the container runs the same.
  std::string monitorCgroup;
  // How long runc create may take. CRI-O allows 240 s: under load runc
  // create of a big bundle is slow, and the kubelet retries anyway.
  std::chrono::seconds syncTimeout{240};
};

struct MonitorStarted {
  int containerPid = 0;
  int monitorPid = 0;  // crix-conmon's pid
};

// Returns once crix-conmon reported the container's pid.
// Errors (the container is then removed with runc delete --force):
//   Unknown           "container create failed: <runtime's or crix-conmon's text>",
//                     or crix-conmon died without a word (then with the tail of
//                     its stderr file)
//   DeadlineExceeded  no report within syncTimeout (crix-conmon is killed)
//   Internal          fork/pipe/open failures in the daemon
MonitorStarted startMonitor(const MonitorStart& request);

// The crix-conmon command line startMonitor runs (for logs and tests).
std::vector<std::string> monitorCreateArgv(const MonitorStart& request, int syncFd);

// Environment for crix-conmon: monitor_env, with a PATH if it has none
// (runc hooks and helpers need one).
std::vector<std::string> monitorEnvironment(const RuntimeHandlerInfo& runtime);

// The first line crix-conmon writes on its sync pipe, without the newline
// (reading stops once 64 KiB came without one); "" when it closed the pipe
// without writing, nullopt when nothing came by the deadline.
std::optional<std::string> readSyncLine(int fd, std::chrono::steady_clock::time_point deadline);

// The last `maxBytes` of a file, "" when it cannot be read.
std::string fileTail(const std::string& path, std::size_t maxBytes = 2048);

}  // namespace crix::oci

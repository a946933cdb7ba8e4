// crix-conmon's command line (conmon/README.md is the contract):
//   crix-conmon [create] --cid ID --bundle DIR --runtime PATH ...   monitor a container
//   crix-conmon exec --cid ID --runtime PATH --process FILE ...      run one exec to completion
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "conmon/Diag.h"

namespace crix::conmon {

enum class Mode { Create, Exec, Help, Version };

struct Options {
  Mode mode = Mode::Create;

  // Both modes.
  std::string cid;
  std::string runtime;
  std::string runtimeRoot;               // --root for the runtime, when set
  std::vector<std::string> runtimeArgs;  // global runtime arguments, in order
  std::string exitFile;
  std::string pidFile;                   // create: required; exec: optional
  std::string conmonPidFile;             // where crix-conmon writes its own pid
  bool terminal = false;
  int syncFd = -1;
  diag::Level logLevel = diag::Level::Warn;

  // Create mode; exec mode too when it streams (attachSocket set).
  bool withStdin = false;
  std::string attachSocket;
  std::string ctlFifo;

  // Create mode.
  std::string bundle;
  std::string logPath;
  int64_t logSizeMax = 0;  // 0: unlimited
  bool stdinOnce = false;
  std::string cgroupPath;  // empty: found from /proc/<pid>/cgroup

  // Exec mode.
  std::string processFile;
  std::string stdoutFile;
  std::string stderrFile;
  int64_t timeoutSeconds = 0;  // 0: none
  bool killOnDetach = false;   // streaming: the last client leaving kills the exec

  // Exec mode serving its output and input on the attach socket instead of
  // writing files.
  bool streaming() const { return mode == Mode::Exec && !attachSocket.empty(); }
};

// Fills `out` from argv, and throws crix::Error (InvalidArgument) naming the
// problem. `out` keeps what was parsed before the problem, so that the caller
// can still report on --sync-fd or --exit-file.
void parseOptions(int argc, char** argv, Options& out);

extern const char* const kUsage;

}  // namespace crix::conmon

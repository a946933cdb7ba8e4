// Runs a helper program (runc, crix-conmon in exec mode) to its end from a
// multi-threaded daemon: everything the child needs is prepared before fork,
// the child only calls async-signal-safe functions, and the whole run is
// bounded in time (the child's process group is killed at the deadline).
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace crix {

struct ProcessSpec {
  std::vector<std::string> argv;                // argv[0] is an absolute path
  std::optional<std::vector<std::string>> env;  // nullopt: the daemon's environment
  std::string stdinData;                        // written to the child's stdin, then closed
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  std::size_t maxOutput = 1 << 20;  // per stream; the rest is read and dropped
};

struct ProcessOutcome {
  int exitCode = -1;  // -1 when killed by a signal or timed out
  int signal = 0;     // the killing signal, 0 when it exited
  bool timedOut = false;
  bool outputTruncated = false;
  std::string out;
  std::string err;

  bool ok() const { return exitCode == 0; }
};

// Throws crix::Error (Internal) only when the child cannot be started at all
// (pipe/fork failure, or exec failure: then with the errno text).
ProcessOutcome runProcess(const ProcessSpec& spec);

// "runc --root X kill ID 9" for messages.
std::string commandLine(const std::vector<std::string>& argv);

}  // namespace crix

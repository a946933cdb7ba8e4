// Runs a program to completion and captures what it printed, with a time
// bound: a test never hangs on a child. Also the plain file reads and writes
// tests need around it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace crix::test {

struct ProcessResult {
  int exitCode = -1;     // -1 when killed by a signal or timed out
  bool timedOut = false;
  std::string out;       // stdout
  std::string err;       // stderr
};

// argv[0] is a path. The child runs in its own process group, so a timeout
// also kills whatever it started.
ProcessResult runProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::vector<std::string>& extraEnv = {});

// Returns stdout; throws with the command and everything it printed unless it
// exits 0 in time.
std::string runChecked(const std::vector<std::string>& argv,
                       std::chrono::milliseconds timeout = std::chrono::seconds(60));

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);

}  // namespace crix::test

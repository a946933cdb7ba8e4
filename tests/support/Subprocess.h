// Runs a program to completion and captures what it printed, with a time
// bound: a test never hangs on a child.
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

ProcessResult runProcess(const std::vector<std::string>& argv,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30),
                         const std::vector<std::string>& extraEnv = {});

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);

}  // namespace crix::test

// Long-running children for tests (a daemon, a registry): started with their
// output in a log file, and waited for with a bound, since a test must never
// hang on a child that does not exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace crix::test {

// Starts argv[0] (a path) with stdin from /dev/null and stdout and stderr
// appended to `logPath`; returns its pid.
pid_t spawnWithLog(const std::vector<std::string>& argv, const std::string& logPath);

// Reaps `pid` if it exits before `deadline` and returns true with its wait
// status in `status`; false (child still running) otherwise. Also true when
// the child cannot be waited for at all.
bool waitForExit(pid_t pid, std::chrono::steady_clock::time_point deadline, int& status);

}  // namespace crix::test

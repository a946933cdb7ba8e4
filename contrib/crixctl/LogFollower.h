// Reading a container's log file for `crixctl logs`: once, or following it
// the way the kubelet does, across rotations (the file renamed and a new
// one created at the same path), until the container is no longer running.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "contrib/crixctl/CriLog.h"

namespace crixctl {

struct LogReadOptions {
  long long tailLines = -1;  // negative: from the start
  bool follow = false;
  // Asked while following, at most once per `checkInterval`, when no new
  // text came; false ends the follow after the rest of the file is read.
  std::function<bool()> stillRunning{};
  std::chrono::milliseconds pollInterval{100};
  std::chrono::milliseconds checkInterval{1000};
};

// Throws crix::Error when the file cannot be opened (NotFound when missing).
void readLogFile(const std::string& path, CriLogPrinter& printer, const LogReadOptions& options);

}  // namespace crixctl

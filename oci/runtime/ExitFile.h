// The exit file crix-conmon writes when a container or an exec ends
// (conmon/README.md, "The exit file").
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace crix::oci {

struct ExitRecord {
  int exitCode = -1;  // 128 + signal when killed; -1: crix-conmon could not run it
  int signal = 0;     // 0 when it exited
  bool oomKilled = false;
  std::int64_t finishedAtNanos = 0;  // Unix nanoseconds; 0 when the file has none
  std::string error;                 // crix-conmon's own failure, "" normally
  bool timedOut = false;             // exec mode: the timeout fired
};

// nullopt when the file does not exist (yet). DataLoss when it exists but is
// not an exit record (crix-conmon writes it atomically, so that means damage).
std::optional<ExitRecord> readExitFile(const std::string& path);

ExitRecord parseExitRecord(const std::string& text, const std::string& pathForMessages);

}  // namespace crix::oci

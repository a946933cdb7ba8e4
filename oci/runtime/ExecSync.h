// ExecSync: one command in a running container, run by crix-conmon in exec
// mode (conmon/README.md, "Exec mode") as the daemon's direct child, with
// its output captured.
#pragma once

#include <chrono>
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::oci {

// As much of each stream as ExecSync returns; more is cut off. The kubelet's
// old dockershim allowed 16 MiB and CRI-O keeps that limit.
inline constexpr std::size_t kMaxExecSyncOutput = 16 * 1024 * 1024;

struct ExecSyncResult {
  std::string stdoutData;
  std::string stderrData;
  int exitCode = -1;             // 128 + signal when killed
  bool timedOut = false;         // the timeout fired; crix-conmon killed the process
  bool outputTruncated = false;  // a stream was longer than kMaxExecSyncOutput
};

// The OCI process for an exec: the container's own spec process (env, cwd,
// user, capabilities, rlimits, profiles...) with `cmd` as args and the
// terminal setting of the request. With a terminal, TERM=xterm is added
// unless the environment has a TERM.
nlohmann::json execProcessFromSpec(const nlohmann::json& containerSpecProcess,
                                   const std::vector<std::string>& cmd, bool tty);

// Runs ociProcess (see execProcessFromSpec) in the container and waits.
// timeout 0: none. scratchDir: an existing directory where a private
// subdirectory for the process file and captured output is made and removed
// afterwards.
// A timeout is not an error: timedOut is set (CRI-O answers ExecSync with
// exit code -1 and stderr "command timed out" then; the caller chooses).
// Errors: Unknown "exec failed: <runtime's text>" when the process could not
// be started (e.g. no such executable); Internal for crix's own failures.
ExecSyncResult execSync(const RuntimeHandlerInfo& runtime, const std::string& containerId,
                        const nlohmann::json& ociProcess, std::chrono::seconds timeout,
                        const std::string& scratchDir);

}  // namespace crix::oci

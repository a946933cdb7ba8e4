// ExecSync: a command run to its end inside a running container.
#include "cri/runtime/ContainerLifecycle.h"

#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

ExecSyncOutcome ContainerLifecycle::execSync(const std::string& idOrPrefix, const std::vector<std::string>& cmd,
                                             std::chrono::seconds timeout) {
  if (cmd.empty()) throw Error::invalidArgument("ExecSync: cmd is empty");
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running)
    throw Error::failedPrecondition("container " + record.id + " is not running (" +
                                    std::string(containerStateName(record.state)) + ")");
  const auto cfg = config_.snapshot();
  const auto spec = nlohmann::json::parse(readWholeFile(state_.layout().bundleConfig(record.id)));
  const auto process = oci::execProcessFromSpec(spec.at("process"), cmd, false);
  const std::string scratch = state_.layout().execDir(record.id);
  makeDirectories(scratch);
  const auto result =
      oci_.execSync(oci::resolveRuntime(*cfg, record.runtimeHandler), record.id, process, timeout, scratch);
  // As CRI-O answers a timeout: not an RPC error, exit code -1 (the kubelet
  // counts that as a failed probe).
  if (result.timedOut) return {result.stdoutData, "command timed out", -1};
  return {result.stdoutData, result.stderrData, result.exitCode};
}

}  // namespace crix::cri

// The runc command line for one runtime handler: every call bounded in time,
// the runtime's stderr in the error message. Container creation is not here:
// crix-conmon runs `runc create` (MonitorLauncher.h).
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::oci {

// The runtime's "state" of one container (OCI runtime spec, "State"); not to
// be confused with cri::RuntimeState, the daemon's records.
struct ContainerRuntimeStatus {
  std::string status;  // "creating", "created", "running", "paused" or "stopped"
  int pid = 0;         // 0 once stopped
};

class OciRuntime {
 public:
  explicit OciRuntime(RuntimeHandlerInfo runtime,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

  const RuntimeHandlerInfo& info() const { return runtime_; }

  // runc start: the created container's process runs its entrypoint.
  void start(const std::string& id) const;
  // runc kill [--all] ID SIGNAL. NotFound when the container does not exist;
  // FailedPrecondition when it exists but is not running (already stopped).
  void kill(const std::string& id, int signal, bool all = false) const;
  // runc delete [--force]; a container the runtime does not know is success.
  void remove(const std::string& id, bool force) const;
  // runc state; nullopt when the runtime does not know the container.
  std::optional<ContainerRuntimeStatus> state(const std::string& id) const;
  // runc update --resources FILE with an OCI LinuxResources object.
  void update(const std::string& id, const nlohmann::json& linuxResources) const;
  void pause(const std::string& id) const;
  void resume(const std::string& id) const;

  // The runtime's argv prefix: PATH [--root ROOT].
  std::vector<std::string> baseArgv() const;

 private:
  struct Result;
  Result run(std::vector<std::string> args, const std::string& stdinData = "") const;

  RuntimeHandlerInfo runtime_;
  std::chrono::milliseconds timeout_;
};

// Whether a runtime's error text says the container is unknown to it
// (runc: "container does not exist", others: "container not found").
bool runtimeSaysNotFound(const std::string& stderrText);

}  // namespace crix::oci

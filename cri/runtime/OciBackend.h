// What ContainerLifecycle asks of the OCI runtime (the binary a runtime
// handler resolves to, runc here) and of crix-conmon, as one interface: the
// lifecycle's rules (claims, undo, stop deadlines, exits) then have unit
// tests with a fake and without root (tests/cri/runtime/container_lifecycle_test).
// OciRuntimeBackend is the real one.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "oci/runtime/ExecSync.h"
#include "oci/runtime/ExitFile.h"
#include "oci/runtime/MonitorLauncher.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

class OciBackend {
 public:
  virtual ~OciBackend() = default;

  // crix-conmon running `runc create`; returns once the container is
  // created, with its PID.
  virtual int launch(const oci::MonitorStart& request) = 0;
  virtual void start(const oci::RuntimeHandlerInfo& runtime, const std::string& id) = 0;
  virtual void kill(const oci::RuntimeHandlerInfo& runtime, const std::string& id, int signal, bool all) = 0;
  // Forced; a container the runtime does not know is not an error.
  virtual void remove(const oci::RuntimeHandlerInfo& runtime, const std::string& id) = 0;
  virtual void update(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
                      const nlohmann::json& linuxResources) = 0;
  virtual oci::ExecSyncResult execSync(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
                                       const nlohmann::json& process, std::chrono::seconds timeout,
                                       const std::string& scratchDir) = 0;

  // crix-conmon's exit file (conmon/README.md); nullopt while it runs.
  virtual std::optional<oci::ExitRecord> readExit(const std::string& exitFile) const = 0;
  // Asks crix-conmon to reopen the log and waits for its answer.
  virtual void reopenLog(const std::string& ctlFifo, std::chrono::milliseconds wait) = 0;
  // FailedPrecondition while crix-conmon still lives in it.
  virtual void removeMonitorCgroup(const std::string& cgroupPath) = 0;
};

class OciRuntimeBackend final : public OciBackend {
 public:
  int launch(const oci::MonitorStart& request) override;
  void start(const oci::RuntimeHandlerInfo& runtime, const std::string& id) override;
  void kill(const oci::RuntimeHandlerInfo& runtime, const std::string& id, int signal, bool all) override;
  void remove(const oci::RuntimeHandlerInfo& runtime, const std::string& id) override;
  void update(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
              const nlohmann::json& linuxResources) override;
  oci::ExecSyncResult execSync(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
                               const nlohmann::json& process, std::chrono::seconds timeout,
                               const std::string& scratchDir) override;
  std::optional<oci::ExitRecord> readExit(const std::string& exitFile) const override;
  void reopenLog(const std::string& ctlFifo, std::chrono::milliseconds wait) override;
  void removeMonitorCgroup(const std::string& cgroupPath) override;
};

}  // namespace crix::cri

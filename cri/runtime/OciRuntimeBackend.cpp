#include "cri/runtime/OciBackend.h"

#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/OciRuntime.h"

namespace crix::cri {

int OciRuntimeBackend::launch(const oci::MonitorStart& request) { return oci::startMonitor(request).containerPid; }

void OciRuntimeBackend::start(const oci::RuntimeHandlerInfo& runtime, const std::string& id) {
  oci::OciRuntime(runtime).start(id);
}

void OciRuntimeBackend::kill(const oci::RuntimeHandlerInfo& runtime, const std::string& id, int signal, bool all) {
  oci::OciRuntime(runtime).kill(id, signal, all);
}

void OciRuntimeBackend::remove(const oci::RuntimeHandlerInfo& runtime, const std::string& id) {
  oci::OciRuntime(runtime).remove(id, true);
}

void OciRuntimeBackend::update(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
                               const nlohmann::json& linuxResources) {
  oci::OciRuntime(runtime).update(id, linuxResources);
}

oci::ExecSyncResult OciRuntimeBackend::execSync(const oci::RuntimeHandlerInfo& runtime, const std::string& id,
                                                const nlohmann::json& process, std::chrono::seconds timeout,
                                                const std::string& scratchDir) {
  return oci::execSync(runtime, id, process, timeout, scratchDir);
}

std::optional<oci::ExitRecord> OciRuntimeBackend::readExit(const std::string& exitFile) const {
  return oci::readExitFile(exitFile);
}

void OciRuntimeBackend::reopenLog(const std::string& ctlFifo, std::chrono::milliseconds wait) {
  oci::reopenLog(ctlFifo, wait);
}

void OciRuntimeBackend::removeMonitorCgroup(const std::string& cgroupPath) { oci::removeCgroup(cgroupPath); }

}  // namespace crix::cri

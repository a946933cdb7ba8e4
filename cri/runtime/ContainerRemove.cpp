// RemoveContainer, and the teardown of a (possibly half-made) container.
#include "cri/runtime/ContainerLifecycle.h"

#include <filesystem>
#include <thread>

#include "core/Error.h"
#include "core/Log.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

namespace fs = std::filesystem;

void ContainerLifecycle::remove(const std::string& idOrPrefix) {
  const auto found = state_.container(idOrPrefix);
  if (!found) {
    log::debug("RemoveContainer: container ", idOrPrefix, " is already gone");
    return;
  }
  // Waits for a create or start in flight, or for another remove; a stop
  // waiting out its grace period is forced by the SIGKILL below.
  const auto claim = state_.claimContainer(found->id, Activity::Removing);
  if (!state_.container(found->id)) return;  // removed while we waited
  stop(found->id, std::chrono::seconds(0));
  const auto record = state_.container(found->id);
  if (!record) return;
  discard(*record);
  log::info("container ", record->id, " removed");
}

void ContainerLifecycle::discard(const ContainerRecord& record) {
  const auto cfg = config_.snapshot();
  try {
    oci_.remove(oci::resolveRuntime(*cfg, record.runtimeHandler), record.id);
  } catch (const Error& e) {
    // An unknown handler after a config change still has runc state to
    // remove; report and go on with the rest.
    log::warn("runtime delete of container ", record.id, ": ", e.what());
  }
  if (!record.monitorCgroup.empty()) {
    // crix-conmon exits just after writing the exit file; give it a moment.
    for (int attempt = 0;; ++attempt) {
      try {
        oci_.removeMonitorCgroup(record.monitorCgroup);
        break;
      } catch (const Error& e) {
        if (e.code() == StatusCode::FailedPrecondition && attempt < 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        log::warn("removing the monitor cgroup of container ", record.id, ": ", e.what());
        break;
      }
    }
  }
  images_.removeRootfs(record.id, record.imageId);
  {
    // Not while ExitWatcher records an exit: it would write the record back.
    auto lock = state_.containerLock(record.id);
    state_.forgetContainer(record.id);
  }
  std::error_code ec;
  fs::remove_all(state_.layout().containerDir(record.id), ec);
  if (ec) throw Error::internal("remove the directory of container " + record.id + ": " + ec.message());
}

}  // namespace crix::cri

// StartContainer: `runc start` on a created container.
#include "cri/runtime/ContainerLifecycle.h"

#include <csignal>

#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

// `runc start` runs under the "starting" claim only: an exit the watcher
// reports meanwhile is recorded at once, and kept.
void ContainerLifecycle::start(const std::string& idOrPrefix) {
  const auto found = mustFind(idOrPrefix);
  auto claim = state_.claimContainer(found.id, Activity::Starting);
  ContainerRecord record;
  {
    auto lock = state_.containerLock(found.id);
    record = mustFind(found.id);  // removed while we waited: NotFound
    recordExit(record);
  }
  if (record.state != ContainerState::Created)
    throw Error::failedPrecondition("container " + record.id + " is " +
                                    std::string(containerStateName(record.state)) +
                                    ", not created: it can only be started once");
  const auto cfg = config_.snapshot();
  const auto runtime = oci::resolveRuntime(*cfg, record.runtimeHandler);
  // Before runc start: a container that ends at once still started first.
  const int64_t startedAt = nowNanos();
  try {
    oci_.start(runtime, record.id);
  } catch (const Error& e) {
    // runc leaves the container created; it would never run now.
    log::warn("container ", record.id, " failed to start: ", e.what());
    try {
      oci_.kill(runtime, record.id, SIGKILL, true);
    } catch (const Error& killError) {
      log::warn("killing container ", record.id, " after a failed start: ", killError.what());
    }
    waitForExit(record, kKillWait);
    auto relock = state_.containerLock(record.id);
    if (!state_.container(record.id)) throw;  // removed meanwhile
    record.state = ContainerState::Exited;
    record.reason = "StartError";
    record.message = e.what();
    if (record.finishedAtNanos == 0) record.finishedAtNanos = nowNanos();
    state_.saveContainer(record);
    throw;
  }
  auto lock = state_.containerLock(record.id);
  auto fresh = state_.container(record.id);
  if (!fresh) return;  // only a remove forgets it, and that waits for our claim; recovery aside
  record = *fresh;
  recordExit(record);  // a container that ran to its end before we looked
  if (record.state == ContainerState::Created) record.state = ContainerState::Running;
  record.startedAtNanos = startedAt;
  state_.saveContainer(record);
  log::info("container ", record.id, " started");
}

}  // namespace crix::cri

// StopContainer: the stop signal, the grace period, SIGKILL, and the wait for
// the exit.
#include "cri/runtime/ContainerLifecycle.h"

#include <csignal>

#include "core/Error.h"
#include "core/Log.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

// Polls the exit file, taking the container's lock only to record what it
// finds: a stop waiting out a grace period holds no lock meanwhile.
bool ContainerLifecycle::waitForExit(ContainerRecord& record, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    // Read before looking: an exit announced after the look ends the wait.
    const uint64_t seen = events_.generation();
    {
      auto lock = state_.containerLock(record.id);
      const auto fresh = state_.container(record.id);
      // Removed meanwhile (a RemoveContainer forces a stop): it is gone.
      if (!fresh) return true;
      record = *fresh;
      if (recordExit(record) || record.state == ContainerState::Exited) return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // ExitWatcher's announcement ends the wait; the bounded slice covers a
    // container it cannot watch (no inotify watch left).
    events_.waitPast(seen, std::min(deadline, now + std::chrono::milliseconds(100)));
  }
}

// No lock is held while signalling or waiting: a second StopContainer runs
// beside the first, each sending SIGKILL at its own deadline, so the shorter
// deadline wins; status, creates and other containers never wait on it.
void ContainerLifecycle::stop(const std::string& idOrPrefix, std::chrono::seconds timeout) {
  auto record = mustFind(idOrPrefix);
  // Shown as "stopping"; waits for a start in flight, so that the stop
  // signal finds the container running, not half started.
  const auto claim = state_.claimContainer(record.id, Activity::Stopping);
  {
    auto lock = state_.containerLock(record.id);
    record = mustFind(record.id);
    recordExit(record);
  }
  if (record.state == ContainerState::Exited) return;

  const auto cfg = config_.snapshot();
  const auto runtime = oci::resolveRuntime(*cfg, record.runtimeHandler);
  if (timeout.count() > 0 && record.state == ContainerState::Running) {
    try {
      oci_.kill(runtime, record.id, record.stopSignal, false);
    } catch (const Error& e) {
      log::warn("sending signal ", record.stopSignal, " to container ", record.id, ": ", e.what());
    }
    if (waitForExit(record, timeout)) {
      log::info("container ", record.id, " stopped");
      return;
    }
    log::info("container ", record.id, " still running ", timeout.count(), "s after signal ",
              record.stopSignal, "; killing it");
  }
  try {
    oci_.kill(runtime, record.id, SIGKILL, true);
  } catch (const Error& e) {
    log::warn("killing container ", record.id, ": ", e.what());
  }
  if (!waitForExit(record, kKillWait)) {
    log::warn("container ", record.id, " did not exit ", kKillWait.count(), "s after SIGKILL");
    throw Error{StatusCode::DeadlineExceeded, "container " + record.id + " did not exit " +
                                                  std::to_string(kKillWait.count()) + "s after SIGKILL"};
  }
  log::info("container ", record.id, " killed");
}

}  // namespace crix::cri

// How a container ended, read from crix-conmon's exit file, recorded and
// announced once.
#include "cri/runtime/ContainerLifecycle.h"

#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {

namespace {

std::string exitReason(const oci::ExitRecord& exit) {
  if (exit.oomKilled) return "OOMKilled";
  return exit.exitCode == 0 ? "Completed" : "Error";
}

}  // namespace

bool ContainerLifecycle::readExit(ContainerRecord& record) const {
  if (record.state == ContainerState::Exited) return false;
  const auto exit = oci_.readExit(state_.layout().exitFile(record.id));
  if (!exit) return false;
  record.state = ContainerState::Exited;
  record.exitCode = exit->exitCode;
  record.finishedAtNanos = exit->finishedAtNanos;
  record.reason = exitReason(*exit);
  if (!exit->error.empty()) record.message = exit->error;
  // A container killed before it was started has no start time; CRI-O shows
  // the finish time as both.
  if (record.startedAtNanos == 0) record.startedAtNanos = record.finishedAtNanos;
  return true;
}

bool ContainerLifecycle::recordExit(ContainerRecord& record) {
  if (!readExit(record)) return false;
  state_.saveContainer(record);
  events_.publish(ContainerEvent{ContainerEvent::Kind::Exited, record.id, record.podId, record.exitCode,
                                 record.reason, record.finishedAtNanos});
  return true;
}

void ContainerLifecycle::noteExit(const std::string& id) {
  auto lock = state_.containerLock(id);
  auto record = state_.container(id);
  // Not (or no longer) a container of ours: one being created records its
  // own failure, one removed has nothing left to record.
  if (!record) return;
  if (recordExit(*record)) log::info("container ", id, " exited (", record->reason, ", code ", record->exitCode, ")");
}

}  // namespace crix::cri

// ReopenContainerLog: crix-conmon opens the log path again, and says so.
#include "cri/runtime/ContainerLifecycle.h"

#include <unistd.h>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {

namespace {

// How long crix-conmon may take to open a reopened log.
constexpr auto kReopenWait = std::chrono::seconds(5);

}  // namespace

void ContainerLifecycle::reopenLog(const std::string& idOrPrefix) {
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running)
    throw Error::failedPrecondition("container " + record.id + " is not running");
  // A caller that renamed the log looks for the new one as soon as we
  // answer: crix-conmon acknowledges once it has opened it.
  try {
    oci_.reopenLog(state_.layout().ctlFifo(record.id), kReopenWait);
  } catch (const Error& e) {
    // A crix-conmon started by an older crix reopens without answering.
    if (e.code() != StatusCode::DeadlineExceeded || ::access(record.logPath.c_str(), F_OK) != 0)
      throw Error{e.code(), "ReopenContainerLog of container " + record.id + ": " + e.what()};
    log::warn("container ", record.id, ": ", e.what(), "; the new log file exists, so it was reopened");
  }
}

}  // namespace crix::cri

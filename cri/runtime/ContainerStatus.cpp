// ContainerStatus and ListContainers: records brought up to date with the
// exit file, without waiting for a slow operation.
#include "cri/runtime/ContainerLifecycle.h"

#include "core/Error.h"

namespace crix::cri {

ContainerRecord ContainerLifecycle::mustFind(const std::string& idOrPrefix) const {
  auto record = state_.container(idOrPrefix);
  if (!record) throw Error::notFound("container \"" + idOrPrefix + "\" not found");
  return *record;
}

ContainerRecord ContainerLifecycle::status(const std::string& idOrPrefix) {
  const auto found = mustFind(idOrPrefix);
  auto lock = state_.tryContainerLock(found.id);
  auto record = mustFind(found.id);
  if (lock.owns_lock())
    recordExit(record);
  else
    readExit(record);
  return record;
}

std::vector<ContainerRecord> ContainerLifecycle::list() {
  auto records = state_.containers();
  for (auto& record : records) {
    if (record.state == ContainerState::Exited) continue;
    auto lock = state_.tryContainerLock(record.id);
    if (!lock.owns_lock()) {
      readExit(record);
      continue;
    }
    if (auto fresh = state_.container(record.id)) {
      record = *fresh;
      recordExit(record);
    }
  }
  return records;
}

}  // namespace crix::cri

// UpdateContainerResources: `runc update`, then the record.
#include "cri/runtime/ContainerLifecycle.h"

#include "core/Error.h"
#include "oci/HostFacts.h"
#include "oci/Resources.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

namespace rt = runtime::v1;

void ContainerLifecycle::updateResources(const std::string& idOrPrefix,
                                         const rt::LinuxContainerResources& resources) {
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running && record.state != ContainerState::Created)
    throw Error::failedPrecondition("container " + record.id + " is not running");
  const auto cfg = config_.snapshot();
  const auto runtimeInfo = oci::resolveRuntime(*cfg, record.runtimeHandler);
  const auto linux = oci::resourcesSection(*cfg, cfg->runtimeHandler(runtimeInfo.name), resources,
                                           oci::HostFacts::current());
  oci_.update(runtimeInfo, record.id, linux);
  // The record as it is now: the container may have exited during the
  // update, and that must not be written back as running.
  auto lock = state_.containerLock(record.id);
  auto updated = state_.container(record.id);
  if (!updated) return;
  *updated->config.mutable_linux()->mutable_resources() = resources;
  state_.saveContainer(*updated);
}

}  // namespace crix::cri

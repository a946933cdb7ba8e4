// RunPodSandbox, StopPodSandbox and RemovePodSandbox. A pod without an infra
// container is its pinned namespaces (netns/), its attachment to the CNI
// network (netns/cni/; not for host-network pods), its files under
// <runroot>/pods/<id> (hostname, resolv.conf, the /dev/shm tmpfs) and its
// record; setting it up is all or nothing. The node is reached through
// PodSandboxBackend and ContainerLifecycle only (unit tests use fakes).
#pragma once

#include <functional>
#include <string>

#include "cri/LiveConfig.h"
#include "cri/api/Cri.h"
#include "cri/runtime/PodNetworkArgs.h"
#include "cri/state/RuntimeState.h"
#include "cri/runtime/PodSandboxBackend.h"

namespace crix::cri {

class ContainerLifecycle;

class PodLifecycle {
 public:
  PodLifecycle(const LiveConfig& config, RuntimeState& state, PodSandboxBackend& sandbox,
               ContainerLifecycle& containers)
      : config_(config), state_(state), sandbox_(sandbox), containers_(containers) {}

  std::string run(const runtime::v1::RunPodSandboxRequest& request);
  // Idempotent; an unknown pod is not an error (CRI: resources may already
  // be reclaimed).
  void stop(const std::string& idOrPrefix);
  void remove(const std::string& idOrPrefix);

  // The pod as the CRI shows it: a pod whose infra container has exited is
  // not ready (CRI-O's behaviour), whatever its record says.
  PodRecord observed(PodRecord pod);

  // Releases what a pod holds on the node (its network attachment: CNI DEL,
  // then namespaces, shm mount). Safe to call again, and on a pod set up
  // half way. A failing DEL throws before anything else is released, so
  // that a retry still has the namespace the plugins set up.
  void releaseNodeResources(const PodRecord& pod);
  // Removes a pod's record and directory; its containers must be gone.
  void discard(const PodRecord& pod);

 private:
  // NotReady under the pod lock; false when the pod is gone.
  bool markNotReady(const std::string& id);
  // Runs `act` on each of the pod's containers, with no pod lock held; a
  // container being created is waited for first.
  void forEachContainer(const std::string& podId, const std::function<void(const std::string&)>& act);

  void setUp(PodRecord& pod, const config::Config& cfg, const PodNetworkArgs& networkArgs);

  const LiveConfig& config_;
  RuntimeState& state_;
  PodSandboxBackend& sandbox_;
  ContainerLifecycle& containers_;
};

}  // namespace crix::cri

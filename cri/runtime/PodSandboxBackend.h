// What PodLifecycle makes on the node for a pod: its pinned namespaces
// (netns/), its CNI attachment (netns/cni/) and its /dev/shm tmpfs
// (cri/sandbox/ShmMount). An interface so that the pod lifecycle's rules
// (all or nothing, one teardown at a time, containers first) have unit tests
// with a fake and without root. NodePodSandbox.h is the real one.
#pragma once

#include <cstdint>
#include <string>

#include "netns/NamespacePinner.h"
#include "netns/cni/PodNetworking.h"

namespace crix::cri {

class PodSandboxBackend {
 public:
  virtual ~PodSandboxBackend() = default;

  // All or nothing, as netns::NamespacePinner::pin.
  virtual netns::PinnedNamespaces pinNamespaces(const netns::PodNamespaceRequest& request) = 0;
  // Idempotent.
  virtual void releaseNamespaces(const std::string& podId) = 0;
  // CNI ADD, as netns::cni::PodNetworking::attach.
  virtual netns::cni::PodNetworkStatus attachNetwork(const netns::cni::PodNetworkRequest& request) = 0;
  // CNI DEL; nothing attached is fine. Throws on a plugin error.
  virtual void detachNetwork(const std::string& podId) = 0;
  // The pod's /dev/shm, mounted at `path`; the pod owns it from then on.
  virtual void mountShm(const std::string& path, uint64_t sizeBytes) = 0;
  // Idempotent.
  virtual void unmountShm(const std::string& path) = 0;
};

}  // namespace crix::cri

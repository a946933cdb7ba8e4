#include "cri/runtime/NodePodSandbox.h"

#include "cri/sandbox/ShmMount.h"

namespace crix::cri {

netns::PinnedNamespaces NodePodSandbox::pinNamespaces(const netns::PodNamespaceRequest& request) {
  return pinner_.pin(request);
}

void NodePodSandbox::releaseNamespaces(const std::string& podId) { pinner_.release(podId); }

netns::cni::PodNetworkStatus NodePodSandbox::attachNetwork(const netns::cni::PodNetworkRequest& request) {
  return network_.attach(request);
}

void NodePodSandbox::detachNetwork(const std::string& podId) { network_.detach(podId); }

void NodePodSandbox::mountShm(const std::string& path, uint64_t sizeBytes) {
  sandbox::ShmMount(path, sizeBytes).release();
}

void NodePodSandbox::unmountShm(const std::string& path) { sandbox::ShmMount::unmount(path); }

}  // namespace crix::cri

// PodSandboxBackend on the node: netns::NamespacePinner, the CNI network
// (netns::cni::PodNetworking) and a tmpfs for /dev/shm.
#pragma once

#include "cri/runtime/PodSandboxBackend.h"

namespace crix::cri {

class NodePodSandbox final : public PodSandboxBackend {
 public:
  NodePodSandbox(netns::NamespacePinner& pinner, netns::cni::PodNetworking& network)
      : pinner_(pinner), network_(network) {}

  netns::PinnedNamespaces pinNamespaces(const netns::PodNamespaceRequest& request) override;
  void releaseNamespaces(const std::string& podId) override;
  netns::cni::PodNetworkStatus attachNetwork(const netns::cni::PodNetworkRequest& request) override;
  void detachNetwork(const std::string& podId) override;
  void mountShm(const std::string& path, uint64_t sizeBytes) override;
  void unmountShm(const std::string& path) override;

 private:
  netns::NamespacePinner& pinner_;
  netns::cni::PodNetworking& network_;
};

}  // namespace crix::cri

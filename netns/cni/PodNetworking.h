// Pods on the CNI network: ADD when a pod starts, DEL when it stops, CHECK
// on request, and whether the node has a usable pod network at all (the
// kubelet's NetworkReady condition). The caller serializes calls about one
// pod; calls about different pods run in parallel (plugins lock their own
// stores).
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netns/cni/CniAttachmentCache.h"
#include "netns/cni/CniConfigWatcher.h"

namespace crix::netns::cni {

struct PodNetworkRequest {
  std::string podId;
  std::string netnsPath;
  std::string podName, podNamespace, podUid;
  // CNI capability arguments; empty/null ones are not passed.
  nlohmann::json portMappings = nlohmann::json::array();  // [{hostPort, containerPort, protocol, hostIP}]
  nlohmann::json bandwidth;                               // {ingressRate, ingressBurst, egressRate, egressBurst}
};

struct PodNetworkStatus {
  std::string network;             // the CNI network's name
  std::vector<std::string> ips;    // primary first
};

class PodNetworking {
 public:
  PodNetworking(CniConfigWatcher& config, std::string cacheDir);

  // The network pods get now, or why there is none.
  NetworkChoice network() { return config_.current(); }

  // The node's pod CIDR from UpdateRuntimeConfig, handed to plugins that
  // take the ipRanges capability. "" forgets it. InvalidArgument for a
  // string that is not an IPv4/IPv6 CIDR.
  void setPodCidr(const std::string& cidr);
  std::string podCidr() const;

  // Attaches the pod's network namespace. FailedPrecondition when the node
  // has no usable network; a plugin's error otherwise (CniPluginCall.h),
  // after everything ADD did was deleted again.
  PodNetworkStatus attach(const PodNetworkRequest& request);
  // Detaches (DEL with what ADD used); nothing attached is fine. The
  // namespace may already be gone. On a plugin error the attachment is kept,
  // so that a later call can try again.
  void detach(const std::string& podId);
  // CHECK of an attached pod; NotFound when it is not attached.
  void check(const std::string& podId);

  std::optional<PodNetworkStatus> attached(const std::string& podId) const;
  // Pods with an attachment on disk, e.g. to find those whose pod is gone.
  std::vector<std::string> attachedPods() const { return cache_.podIds(); }

 private:
  CniConfigWatcher& config_;
  CniAttachmentCache cache_;
  mutable std::mutex cidrMutex_;
  std::string podCidr_;
};

}  // namespace crix::netns::cni

// What a pod's CRI config asks of its network, as CNI capability arguments:
// host ports (portMappings, for the portmap plugin) and the Kubernetes
// bandwidth annotations (bandwidth, for the bandwidth plugin).
#pragma once

#include <nlohmann/json.hpp>

#include "cri/api/Cri.h"

namespace crix::cri {

inline constexpr const char* kIngressBandwidthAnnotation = "kubernetes.io/ingress-bandwidth";
inline constexpr const char* kEgressBandwidthAnnotation = "kubernetes.io/egress-bandwidth";

struct PodNetworkArgs {
  nlohmann::json portMappings = nlohmann::json::array();
  nlohmann::json bandwidth;  // null without bandwidth annotations
};

// InvalidArgument for a port mapping without a container port, a port out
// of range, or a bandwidth annotation that is not a quantity between 1k and
// 1P (bits per second), as the kubelet validates them.
PodNetworkArgs podNetworkArgs(const runtime::v1::PodSandboxConfig& config);

}  // namespace crix::cri

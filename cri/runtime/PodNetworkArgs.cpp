#include "cri/runtime/PodNetworkArgs.h"

#include <climits>

#include "core/Error.h"
#include "cri/sandbox/Quantity.h"

namespace crix::cri {

namespace rt = runtime::v1;
using nlohmann::json;

namespace {

std::string protocolName(rt::Protocol protocol) {
  switch (protocol) {
    case rt::UDP: return "udp";
    case rt::SCTP: return "sctp";
    default: return "tcp";
  }
}

// Bits per second. The kubelet's limits: at least 1k, at most 1P.
std::optional<uint64_t> rate(const rt::PodSandboxConfig& config, const char* annotation) {
  const auto it = config.annotations().find(annotation);
  if (it == config.annotations().end()) return std::nullopt;
  const auto bits = sandbox::parsePositiveQuantity(it->second);
  if (!bits || *bits < 1000 || *bits > 1000000000000000ULL)
    throw Error::invalidArgument("annotation " + std::string(annotation) + ": \"" + it->second +
                                 "\" is not a bandwidth between 1k and 1P bits per second (e.g. 10M)");
  return bits;
}

}  // namespace

PodNetworkArgs podNetworkArgs(const rt::PodSandboxConfig& config) {
  PodNetworkArgs args;
  for (const auto& pm : config.port_mappings()) {
    // Without a host port the mapping is informational (kubelet sends the
    // pod's declared container ports too).
    if (pm.host_port() == 0) continue;
    if (pm.host_port() < 0 || pm.host_port() > 65535)
      throw Error::invalidArgument("port mapping: host_port " + std::to_string(pm.host_port()) + " is out of range");
    if (pm.container_port() <= 0 || pm.container_port() > 65535)
      throw Error::invalidArgument("port mapping for host port " + std::to_string(pm.host_port()) +
                                   ": container_port " + std::to_string(pm.container_port()) + " is out of range");
    json mapping = {{"hostPort", pm.host_port()},
                    {"containerPort", pm.container_port()},
                    {"protocol", protocolName(pm.protocol())}};
    if (!pm.host_ip().empty()) mapping["hostIP"] = pm.host_ip();
    args.portMappings.push_back(std::move(mapping));
  }
  const auto ingress = rate(config, kIngressBandwidthAnnotation);
  const auto egress = rate(config, kEgressBandwidthAnnotation);
  if (ingress || egress) {
    args.bandwidth = json::object();
    // The burst is the kubelet's: as large as the plugin allows, so only
    // the rate limits.
    if (ingress) args.bandwidth.update({{"ingressRate", *ingress}, {"ingressBurst", INT_MAX}});
    if (egress) args.bandwidth.update({{"egressRate", *egress}, {"egressBurst", INT_MAX}});
  }
  return args;
}

}  // namespace crix::cri

#include "netns/cni/PodNetworking.h"

#include <arpa/inet.h>
#include <sys/stat.h>

#include <algorithm>

#include "core/Error.h"
#include "core/Log.h"
#include "netns/cni/CniResult.h"

namespace crix::netns::cni {

using nlohmann::json;

namespace {

bool isCidr(const std::string& text) {
  const auto slash = text.find('/');
  if (slash == std::string::npos || slash + 1 >= text.size()) return false;
  const std::string address = text.substr(0, slash), bits = text.substr(slash + 1);
  if (bits.size() > 3 || bits.find_first_not_of("0123456789") != std::string::npos) return false;
  unsigned char buffer[sizeof(in6_addr)];
  const int prefix = std::stoi(bits);
  if (::inet_pton(AF_INET, address.c_str(), buffer) == 1) return prefix <= 32;
  if (::inet_pton(AF_INET6, address.c_str(), buffer) == 1) return prefix <= 128;
  return false;
}

PodNetworkStatus statusOf(const CniAttachment& a) {
  return {a.network.name, podAddresses(a.result, a.runtime.ifName)};
}

// The kubelet joins a dual-stack node's ranges with a comma.
std::vector<std::string> splitCidrs(const std::string& text) {
  std::vector<std::string> out;
  for (std::size_t start = 0; start < text.size();) {
    const auto comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

PodNetworking::PodNetworking(CniConfigWatcher& config, std::string cacheDir)
    : config_(config), cache_(std::move(cacheDir)) {}

void PodNetworking::setPodCidr(const std::string& cidr) {
  for (const auto& range : splitCidrs(cidr))
    if (!isCidr(range))
      throw Error::invalidArgument("pod CIDR \"" + cidr +
                                   "\" is not an address range like 10.88.0.0/16 (or two, comma-separated)");
  std::lock_guard lock(cidrMutex_);
  if (cidr != podCidr_) log::info("pod CIDR is now \"", cidr, "\"");
  podCidr_ = cidr;
}

std::string PodNetworking::podCidr() const {
  std::lock_guard lock(cidrMutex_);
  return podCidr_;
}

PodNetworkStatus PodNetworking::attach(const PodNetworkRequest& request) {
  const NetworkChoice choice = config_.current();
  if (!choice.network) throw Error::failedPrecondition("the node has no pod network: " + choice.problem);

  CniAttachment a;
  a.podId = request.podId;
  a.network = *choice.network;
  a.runtime.containerId = request.podId;
  a.runtime.netnsPath = request.netnsPath;
  // What CRI-O and containerd pass: plugins that do not know a key must not
  // fail on it (IgnoreUnknown).
  a.runtime.args = {{"IgnoreUnknown", "1"},
                    {"K8S_POD_NAMESPACE", request.podNamespace},
                    {"K8S_POD_NAME", request.podName},
                    {"K8S_POD_INFRA_CONTAINER_ID", request.podId},
                    {"K8S_POD_UID", request.podUid}};
  if (!request.portMappings.empty()) a.runtime.capabilityArgs["portMappings"] = request.portMappings;
  if (!request.bandwidth.is_null()) a.runtime.capabilityArgs["bandwidth"] = request.bandwidth;
  if (const std::string cidr = podCidr(); !cidr.empty()) {
    // One range set per address family, each with the node's one range.
    json ranges = json::array();
    for (const auto& range : splitCidrs(cidr)) ranges.push_back(json::array({{{"subnet", range}}}));
    a.runtime.capabilityArgs["ipRanges"] = std::move(ranges);
  }

  cache_.save(a);
  try {
    a.result = addNetworkList(a.network, a.runtime, config_.pluginDirs());
  } catch (const std::exception& e) {
    log::warn("pod ", request.podId, ": ", e.what(), "; deleting what ADD did");
    try {
      deleteNetworkList(a.network, a.runtime, config_.pluginDirs(), a.result);
      cache_.remove(a.podId);
    } catch (const std::exception& undo) {
      log::error("pod ", request.podId, ": undoing the failed ADD: ", undo.what(),
                 "; tried again when the pod is removed");
    }
    throw;
  }
  cache_.save(a);
  PodNetworkStatus status = statusOf(a);
  std::string ips;
  for (const auto& ip : status.ips) ips += (ips.empty() ? "" : ", ") + ip;
  log::info("pod ", request.podId, " attached to CNI network \"", a.network.name, "\"",
            ips.empty() ? std::string(" (no IP)") : " with IP " + ips);
  return status;
}

void PodNetworking::detach(const std::string& podId) {
  auto a = cache_.load(podId);
  if (!a) return;
  // After a reboot, or once the pod's namespaces were released, the path
  // names nothing; plugins then clean up only what lives outside it
  // (IP leases, iptables rules, host-side links).
  struct stat st {};
  if (!a->runtime.netnsPath.empty() && ::stat(a->runtime.netnsPath.c_str(), &st) != 0) a->runtime.netnsPath.clear();
  deleteNetworkList(a->network, a->runtime, config_.pluginDirs(), a->result);
  cache_.remove(podId);
  log::info("pod ", podId, " detached from CNI network \"", a->network.name, "\"");
}

void PodNetworking::check(const std::string& podId) {
  const auto a = cache_.load(podId);
  if (!a) throw Error::notFound("pod " + podId + " is not attached to a CNI network");
  checkNetworkList(a->network, a->runtime, config_.pluginDirs(), a->result);
}

std::optional<PodNetworkStatus> PodNetworking::attached(const std::string& podId) const {
  const auto a = cache_.load(podId);
  if (!a) return std::nullopt;
  return statusOf(*a);
}

}  // namespace crix::netns::cni

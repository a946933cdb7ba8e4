// What a CNI ADD result says about the pod: its addresses.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crix::netns::cni {

// The pod's IP addresses (without prefix length), in the result's order, so
// the first is the pod's primary IP as CRI-O reports it. Only addresses of
// interfaces inside the pod count when the result says which interface an
// address is on. Reads 0.3.0 to 1.1.0 results ("ips") and 0.1.0/0.2.0
// results ("ip4", "ip6"). Malformed entries are skipped.
std::vector<std::string> podAddresses(const nlohmann::json& result, const std::string& ifName);

}  // namespace crix::netns::cni

#include "netns/cni/CniResult.h"

#include <arpa/inet.h>

namespace crix::netns::cni {

namespace {

using nlohmann::json;

// "10.88.0.5/16" -> "10.88.0.5", and only when it really is an address:
// the result comes from a plugin, and the CRI shows it to the kubelet.
std::string addressOf(const json& cidr) {
  if (!cidr.is_string()) return {};
  std::string text = cidr.get<std::string>();
  text = text.substr(0, text.find('/'));
  unsigned char buffer[sizeof(in6_addr)];
  if (::inet_pton(AF_INET, text.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, text.c_str(), buffer) == 1)
    return text;
  return {};
}

bool inPod(const json& result, const json& ip, const std::string& ifName) {
  const auto index = ip.find("interface");
  if (index == ip.end() || !index->is_number_integer()) return true;
  const auto interfaces = result.find("interfaces");
  if (interfaces == result.end() || !interfaces->is_array()) return true;
  const auto i = index->get<long long>();
  if (i < 0 || i >= static_cast<long long>(interfaces->size())) return true;
  const json& itf = (*interfaces)[static_cast<std::size_t>(i)];
  if (!itf.is_object()) return true;
  return !itf.value("sandbox", "").empty() && itf.value("name", ifName) == ifName;
}

}  // namespace

std::vector<std::string> podAddresses(const json& result, const std::string& ifName) {
  std::vector<std::string> out;
  if (!result.is_object()) return out;
  if (const auto ips = result.find("ips"); ips != result.end() && ips->is_array()) {
    for (const auto& ip : *ips) {
      if (!ip.is_object() || !inPod(result, ip, ifName)) continue;
      if (auto a = addressOf(ip.value("address", json())); !a.empty()) out.push_back(std::move(a));
    }
    return out;
  }
  for (const char* key : {"ip4", "ip6"}) {
    const auto legacy = result.find(key);
    if (legacy == result.end() || !legacy->is_object()) continue;
    if (auto a = addressOf(legacy->value("ip", json())); !a.empty()) out.push_back(std::move(a));
  }
  return out;
}

}  // namespace crix::netns::cni

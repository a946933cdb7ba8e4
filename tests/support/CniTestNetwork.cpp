#include "tests/support/CniTestNetwork.h"

#include <arpa/inet.h>

#include <filesystem>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "tests/support/Subprocess.h"

namespace crix::test {

namespace fs = std::filesystem;

CniTestNetwork::CniTestNetwork(const std::string& networkDir, const std::string& fileName) {
  std::random_device random;
  const unsigned tag = random() % 0xffff;
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04x", tag);
  name_ = std::string("crix-test-") + hex;
  bridge_ = std::string("crixt") + hex;
  prefix_ = "10.231." + std::to_string(1 + random() % 250) + ".";

  networkDir_ = networkDir.empty() ? dir_ / "net.d" : networkDir;
  fs::create_directories(networkDir_);
  auto conf = nlohmann::json::parse(readFile(CRIX_SOURCE_ROOT "/contrib/cni/10-crix-bridge.conflist"));
  conf["name"] = name_;
  auto& bridgePlugin = conf["plugins"][0];
  bridgePlugin["bridge"] = bridge_;
  bridgePlugin["ipam"]["ranges"] = {{{{"subnet", subnet()}, {"gateway", gateway()}}}};
  bridgePlugin["ipam"]["dataDir"] = dir_ / "ipam";
  conflist_ = networkDir_ + "/" + fileName;
  writeFile(conflist_, conf.dump(2));
}

CniTestNetwork::~CniTestNetwork() {
  // Plugins tag their rules with the network's name. Rules a plugin could
  // not remove (the bridge plugin keeps a pod's masquerade rules when the
  // pod's eth0 or namespace is already gone) must not outlive the test.
  const std::string tag = "name: \\\"" + name_ + "\\\"";
  for (const char* table : {"nat", "filter", "mangle"}) {
    const auto rules = runProcess({"/usr/sbin/iptables", "-w", "-t", table, "-S"}, std::chrono::seconds(20));
    std::vector<std::string> chains;
    std::istringstream lines(rules.out);
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("-A ", 0) != 0 || line.find(tag) == std::string::npos) continue;
      const auto jump = line.find(" -j CNI-");
      if (jump != std::string::npos) chains.push_back(line.substr(jump + 4, line.find(' ', jump + 4) - jump - 4));
      // -S prints shell-quoted rules.
      runProcess({"/bin/sh", "-c", std::string("/usr/sbin/iptables -w -t ") + table + " -D " + line.substr(3)},
                 std::chrono::seconds(20));
    }
    for (const auto& chain : chains) {
      runProcess({"/usr/sbin/iptables", "-w", "-t", table, "-F", chain}, std::chrono::seconds(20));
      runProcess({"/usr/sbin/iptables", "-w", "-t", table, "-X", chain}, std::chrono::seconds(20));
    }
  }
  runProcess({"/usr/sbin/ip", "link", "del", bridge_}, std::chrono::seconds(10));
}

std::string CniTestNetwork::leaseDir() const { return dir_ / "ipam" + "/" + name_; }

std::vector<std::string> CniTestNetwork::leasedAddresses() const {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(leaseDir(), ec), end; !ec && it != end; it.increment(ec)) {
    const auto name = it->path().filename().string();
    unsigned char buffer[16];
    if (::inet_pton(AF_INET, name.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, name.c_str(), buffer) == 1)
      out.push_back(name);
  }
  return out;
}

std::vector<std::string> CniTestNetwork::iptablesRulesWith(const std::string& needle) {
  std::vector<std::string> out;
  std::istringstream lines(runChecked({"/usr/sbin/iptables-save"}, std::chrono::seconds(20)));
  for (std::string line; std::getline(lines, line);)
    if (line.find(needle) != std::string::npos) out.push_back(line);
  return out;
}

std::vector<std::string> CniTestNetwork::bridgePorts() const {
  std::vector<std::string> out;
  const auto r = runProcess({"/usr/sbin/ip", "-o", "link", "show", "master", bridge_}, std::chrono::seconds(10));
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);) {
    // "7: veth1234@if2: <...>"
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    auto name = line.substr(colon + 2, line.find(':', colon + 2) - colon - 2);
    out.push_back(name.substr(0, name.find('@')));
  }
  return out;
}

}  // namespace crix::test

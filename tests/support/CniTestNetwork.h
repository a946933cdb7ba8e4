// A bridge pod network of the test's own, made from the conflist crix ships
// (contrib/cni/10-crix-bridge.conflist) with a bridge name, network name,
// subnet and host-local store unique to the test, so tests never touch the
// node's crix0 / 10.88.0.0/16 or each other. The destructor deletes the
// bridge (CNI plugins create it and never remove it). The per-pod iptables
// rules and leases are the code under test's to remove; the helpers below
// let a test look for them.
#pragma once

#include <string>
#include <vector>

#include "tests/support/TempDir.h"

namespace crix::test {

class CniTestNetwork {
 public:
  // Writes the conflist as <networkDir>/<fileName>; networkDir "" means a
  // directory of its own (networkDir()).
  explicit CniTestNetwork(const std::string& networkDir = "",
                          const std::string& fileName = "10-crix-test-bridge.conflist");
  ~CniTestNetwork();
  CniTestNetwork(const CniTestNetwork&) = delete;
  CniTestNetwork& operator=(const CniTestNetwork&) = delete;

  const std::string& networkDir() const { return networkDir_; }
  const std::string& conflistPath() const { return conflist_; }
  const std::string& name() const { return name_; }      // the CNI network name
  const std::string& bridge() const { return bridge_; }  // the bridge link
  const std::string& subnetPrefix() const { return prefix_; }  // "10.231.N." of the /24
  std::string subnet() const { return prefix_ + "0/24"; }
  std::string gateway() const { return prefix_ + "1"; }
  // host-local's store of this network: one file per leased address.
  std::string leaseDir() const;
  std::vector<std::string> leasedAddresses() const;

  // Every iptables rule (all tables) whose text contains `needle`, e.g. a
  // pod ID (plugins tag their rules with it).
  static std::vector<std::string> iptablesRulesWith(const std::string& needle);
  // The links enslaved to the bridge (the pods' host-side veths).
  std::vector<std::string> bridgePorts() const;

 private:
  TempDir dir_{"crix-cni"};
  std::string networkDir_, conflist_, name_, bridge_, prefix_;
};

}  // namespace crix::test

// What crix needs to DEL a pod's network later, kept on disk like libcni's
// result cache: the network list as it was at ADD (the file in network_dir
// may have changed or gone since), the runtime arguments, and the ADD
// result. Written before ADD runs, so that a daemon killed half way through
// ADD still finds what to DEL; the result is added once ADD finished. It
// lives under crix's persistent root, so that IP leases in host-local's
// store are released even when a reboot wiped the pods' runtime state.
//
//   <dir>/<podId>.json
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "netns/cni/CniNetworkChain.h"
#include "netns/cni/CniNetworkList.h"

namespace crix::netns::cni {

struct CniAttachment {
  std::string podId;
  CniNetworkList network;
  CniRuntimeConf runtime;
  nlohmann::json result;  // null until ADD finished
};

class CniAttachmentCache {
 public:
  explicit CniAttachmentCache(std::string dir) : dir_(std::move(dir)) {}

  void save(const CniAttachment& attachment);
  // nullopt when there is none; an unreadable entry is DataLoss.
  std::optional<CniAttachment> load(const std::string& podId) const;
  void remove(const std::string& podId);
  std::vector<std::string> podIds() const;

 private:
  std::string path(const std::string& podId) const;
  const std::string dir_;
};

}  // namespace crix::netns::cni

// Chooses the pod network from network_dir the way CRI-O (ocicni on libcni)
// does: the files ending in .conflist, .conf or .json, in lexical order;
// files that do not parse are skipped with a warning; the network named
// cni_default_network, or else the first one that parses. The chosen
// network is usable only when every plugin of its chain is found in one of
// plugin_dirs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "netns/cni/CniNetworkList.h"

namespace crix::netns::cni {

struct NetworkChoice {
  std::shared_ptr<const CniNetworkList> network;  // null when there is none
  // Why there is none, as kubelet shows it in the node's NetworkReady
  // condition ("no CNI configuration file in /etc/cni/net.d", ...).
  std::string problem;
};

NetworkChoice chooseNetwork(const std::string& networkDir, const std::string& defaultName,
                            const std::vector<std::string>& pluginDirs);

// The plugin's executable in the first of pluginDirs that has it; "" when
// none does.
std::string findPlugin(const std::vector<std::string>& pluginDirs, const std::string& type);

}  // namespace crix::netns::cni

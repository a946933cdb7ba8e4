// One CNI network configuration list (a .conflist, or a single-plugin .conf
// or .json file lifted into a list of one, as libcni does): the network's
// name, the version every plugin of the chain is called with, and the
// plugins in order.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crix::netns::cni {

struct CniNetworkList {
  std::string name;
  std::string cniVersion;
  bool disableCheck = false;
  // Each plugin's configuration object as the file gives it (with "type").
  std::vector<nlohmann::json> plugins;
  // Where it came from, for messages ("" when not from a file).
  std::string source;

  // The list as one JSON document (conflist form), e.g. for the result cache.
  nlohmann::json toJson() const;
  std::vector<std::string> pluginTypes() const;
};

// Parses a .conflist document, or with singlePlugin a .conf/.json document
// holding one plugin's configuration. Throws InvalidArgument naming `source`
// and what is wrong: not JSON, no name, no plugins, a plugin without a
// "type" or with a type that is not a plain file name (it is looked up in
// the plugin directories, nothing else), an unsupported cniVersion.
CniNetworkList parseNetworkList(std::string_view text, const std::string& source, bool singlePlugin);

// CNI versions whose plugins crix can call and whose results it reads.
bool isSupportedCniVersion(std::string_view version);
// CHECK exists from 0.4.0 on.
bool supportsCheck(std::string_view version);

}  // namespace crix::netns::cni

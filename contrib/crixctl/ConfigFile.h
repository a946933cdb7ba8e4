// The client config file (/etc/crixctl.yaml by default), in crictl.yaml's
// format so an existing crictl.yaml works unchanged:
//   runtime-endpoint: unix:///run/crix/crix.sock
//   image-endpoint: unix:///run/crix/crix.sock
//   timeout: 10          # whole seconds
//   debug: false
#pragma once

#include <optional>
#include <string>

namespace crixctl {

struct ConfigFile {
  std::string runtimeEndpoint;
  std::string imageEndpoint;
  int timeoutSeconds = 0;  // 0 or less: keep the default
  bool debug = false;
  bool pullImageOnCreate = false;
  bool disablePullOnRun = false;
};

// Reads `path`; throws crix::Error naming the file and the bad option.
// Unknown keys are errors, as in crictl, so a typo does not go unnoticed.
ConfigFile readConfigFile(const std::string& path);

}  // namespace crixctl

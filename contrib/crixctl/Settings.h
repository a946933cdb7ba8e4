// How crixctl reaches the runtime, resolved once from the global flags, the
// environment and the config file, with crictl's precedence:
//   flag  >  CONTAINER_RUNTIME_ENDPOINT / IMAGE_SERVICE_ENDPOINT  >  config file  >  default.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "contrib/crixctl/Options.h"

namespace crixctl {

inline constexpr const char* kDefaultEndpoint = "unix:///run/crix/crix.sock";
inline constexpr const char* kDefaultConfigPath = "/etc/crixctl.yaml";
inline constexpr std::chrono::seconds kDefaultTimeout{2};

struct Settings {
  // Empty only when the user set it empty on purpose; connecting then fails
  // with crictl's "--runtime-endpoint is not set".
  std::string runtimeEndpoint;
  std::string imageEndpoint;  // the runtime endpoint unless set separately
  // Bounds connecting and each unary call, as crictl's --timeout does.
  std::chrono::nanoseconds timeout = kDefaultTimeout;
  bool debug = false;
  bool pullImageOnCreate = false;
  bool disablePullOnRun = false;
};

// The global flags, in the order help lists them.
const std::vector<OptionSpec>& globalOptionSpecs();

// Throws crix::Error for a bad --timeout, or for a config file that was
// asked for explicitly (--config or CRI_CONFIG_FILE) and cannot be read.
Settings resolveSettings(const ParsedOptions& globals);

}  // namespace crixctl

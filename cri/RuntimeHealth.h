// Whether this node can run containers now, for the RuntimeReady condition
// of Status: the default runtime handler's runtime and crix-conmon exist and
// are executable, and the storage root and runroot can be written. Looked at afresh on every call, so that fixing
// the node (installing runc) shows without a restart.
#pragma once

#include <string>

#include "config/Config.h"

namespace crix::cri {

// "" when the runtime is ready, else what a person must fix.
std::string runtimeProblem(const config::Config& cfg);

}  // namespace crix::cri

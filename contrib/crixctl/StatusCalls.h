// The runtime's status of one container or pod by full ID, as inspect and
// inspectp show it and rm and rmp check it before removing.
#pragma once

#include <string>

#include "contrib/crixctl/CriClient.h"

namespace crixctl {

// `verbose` asks for the runtime's free-form `info` map too.
runtime::v1::ContainerStatusResponse containerStatus(CriClient& client, const std::string& id, bool verbose = false);
runtime::v1::PodSandboxStatusResponse podSandboxStatus(CriClient& client, const std::string& id, bool verbose = false);

}  // namespace crixctl

// Pod and container IDs: 64 hex digits from the kernel's random source, as
// CRI-O and containerd make them.
#pragma once

#include <string>

namespace crix::cri {

std::string randomId();

}  // namespace crix::cri

// The paths under /proc and /sys an unprivileged container may not see
// (masked: an empty file or directory is mounted over them) or may not
// change (read-only), as containers-common ships them for podman and CRI-O
// (pkg/config DefaultMaskedPaths and DefaultReadOnlyPaths).
#pragma once

#include <string>
#include <vector>

#include "cri/api/Cri.h"

namespace crix::oci {

const std::vector<std::string>& defaultMaskedPaths();
const std::vector<std::string>& defaultReadonlyPaths();

struct SystemPaths {
  std::vector<std::string> masked;
  std::vector<std::string> readonly;
};

// None for a privileged container. Otherwise the defaults, each list
// replaced by the request's masked_paths or readonly_paths when that is not
// empty (the kubelet sends its own copy of the defaults). An empty list
// cannot be told apart from an absent one on the wire, so it means the
// defaults, as it does for CRI-O.
SystemPaths systemPaths(const runtime::v1::LinuxContainerSecurityContext& sc, bool privileged);

}  // namespace crix::oci

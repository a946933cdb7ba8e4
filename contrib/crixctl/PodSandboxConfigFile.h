// A PodSandboxConfig read from a JSON or YAML file, as crictl's --pod-config
// (pull, runp, create) reads it: field names as in the proto (snake_case) or
// in lowerCamelCase, unknown fields ignored, and the checks crictl makes.
#pragma once

#include <string>

#include "cri/api/Cri.h"

namespace crixctl {

// Fills in a random metadata.uid when the file has none; warns when a Linux
// section leaves cgroup_parent empty. Throws crix::Error when the file is
// missing or unreadable, or lacks metadata, name or namespace.
runtime::v1::PodSandboxConfig loadPodSandboxConfig(const std::string& path);

}  // namespace crixctl

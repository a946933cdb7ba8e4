// A ContainerConfig read from a JSON or YAML file, as crictl's create and
// run read it.
#pragma once

#include <string>

#include "cri/api/Cri.h"

namespace crixctl {

// Throws crix::Error when the file is missing or unreadable, or lacks
// metadata or metadata.name (crictl's checks).
runtime::v1::ContainerConfig loadContainerConfig(const std::string& path);

}  // namespace crixctl

// ContainerStatus and PodSandboxStatus as the "status" crictl's inspect and
// inspectp print: protojson with keys sorted, and the nanosecond timestamps
// replaced by RFC 3339 text (Go's zero time where a time does not apply yet).
#pragma once

#include <nlohmann/json.hpp>

#include "cri/api/Cri.h"

namespace crixctl {

nlohmann::json containerStatusJson(const runtime::v1::ContainerStatus& status);
nlohmann::json podStatusJson(const runtime::v1::PodSandboxStatus& status);

}  // namespace crixctl

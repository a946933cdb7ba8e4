// The [LOCAL:]REMOTE arguments of `crixctl port-forward`, read as kubectl and
// crictl read them: "8080:80" listens on 8080 for the pod's 80, ":80" (or
// "0:80") on a port the kernel picks, "80" on the same port as the pod's.
#pragma once

#include <cstdint>
#include <string_view>

namespace crixctl {

struct PortMapping {
  uint16_t local = 0;  // 0: let the kernel pick
  uint16_t remote = 0;
};

// Throws InvalidArgument for anything else (no remote port, a port that is
// not a number in range, more than one colon).
PortMapping parsePortSpec(std::string_view spec);

}  // namespace crixctl

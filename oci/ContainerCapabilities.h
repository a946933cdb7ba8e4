// Which capabilities an unprivileged container gets: crio.conf's
// default_capabilities, then the CRI request's add and drop lists.
#pragma once

#include <string>
#include <vector>

#include "cri/api/Cri.h"
#include "oci/CapabilitySet.h"

namespace crix::oci {

struct ContainerCapabilities {
  // bounding, permitted and effective
  CapabilitySet granted;
  // add_ambient_capabilities; the spec also needs them inheritable
  CapabilitySet ambient;
};

// CRI-O's rules: "ALL" (any case) in add grants everything, "ALL" in drop
// starts from nothing, and only when neither list says "ALL" do the defaults
// apply. Individual adds follow, then individual drops, so add ALL + drop
// CHOWN is everything but CHOWN. Names may carry "CAP_" or not.
//
// "Everything" is `bounding`, crix's own bounding set, not every capability
// the kernel knows: runc cannot grant what crix does not hold, and fails
// with a bare EPERM if asked to. For the same reason a capability named
// explicitly but missing from `bounding` is refused here (FailedPrecondition)
// with a message that says so. Unknown names are InvalidArgument.
ContainerCapabilities resolveContainerCapabilities(const std::vector<std::string>& defaults,
                                                   const runtime::v1::Capability& request,
                                                   const CapabilitySet& bounding);

}  // namespace crix::oci

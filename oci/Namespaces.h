// linux.namespaces: which namespaces a container gets and which of the pod's
// (or another container's) it joins.
#pragma once

#include <nlohmann/json.hpp>

#include "oci/SpecContext.h"

namespace crix::oci {

// - mount: always new.
// - network, ipc: the node's for hostNetwork/hostIpc; else the pod's pinned
//   namespace when there is one, else new.
// - uts: follows the network, as in Kubernetes (host network means host
//   UTS); else the pod's pinned one or new.
// - pid, from the container's namespace_options (the pod's hostPid forces
//   NODE): NODE the node's; CONTAINER new; POD the pod's pinned one
//   (falling back to new, with a warning, when the daemon pinned none);
//   TARGET the path the daemon resolved for target_id (InvalidArgument when
//   missing).
// - cgroup: new on cgroup v2, as CRI-O and containerd do; the node's on v1.
// - user: not supported; a request for a pod user namespace is
//   Unimplemented.
nlohmann::json namespacesSection(const PodContext& pod, const ContainerContext& ctr, bool cgroupV2);

// Whether the container keeps the node's UTS namespace (then it must not set
// a hostname).
bool usesHostUts(const PodContext& pod);

}  // namespace crix::oci

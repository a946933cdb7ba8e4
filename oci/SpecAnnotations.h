// The annotations of a container's config.json.
#pragma once

#include <nlohmann/json.hpp>

#include "oci/SpecContext.h"

namespace crix::oci {

// The request's own annotations (the kubelet's io.kubernetes.container.hash
// and friends), then, winning over them:
//   - the identity keys the kubelet puts on containers as labels and node
//     agents look for: io.kubernetes.container.name, io.kubernetes.pod.name,
//     io.kubernetes.pod.namespace, io.kubernetes.pod.uid;
//   - CRI-O's io.kubernetes.cri-o.* keys that OCI runtimes and hooks use to
//     tell a pod's containers apart: ContainerType ("container"),
//     SandboxID, ContainerID, Image, LogPath, TTY, Stdin, StdinOnce.
// crix emits CRI-O's spellings rather than containerd's io.kubernetes.cri.*
// because it is a drop-in for CRI-O: sandboxing runtimes (Kata, gVisor)
// already recognise them.
nlohmann::json annotationsSection(const PodContext& pod, const ContainerContext& ctr);

}  // namespace crix::oci

// The OCI runtime spec (config.json) of one container, from the CRI request,
// the image config and crix's configuration. This is the entry point of
// oci/; each part of the spec is planned by its own file:
//   ProcessArgs, Environment, UserResolver  process.args/env/user
//   ContainerCapabilities, CapabilitySet    process.capabilities
//   SecurityProfiles, SeccompProfile        linux.seccomp, apparmorProfile
//   MountPlanner                            mounts, rootfsPropagation
//   Devices, Resources, Namespaces, Sysctls linux.*
//   SystemPaths                             maskedPaths/readonlyPaths
//   Rlimits, SpecAnnotations                process.rlimits, annotations
// StopSignal.h has the stop signal, which the daemon needs at stop time.
#pragma once

#include <nlohmann/json.hpp>

#include "config/Config.h"
#include "oci/HostFacts.h"
#include "oci/SpecContext.h"

namespace crix::oci {

// The spec runc 1.1 expects. Bad requests throw crix::Error InvalidArgument
// with a message naming the offending field; features crix lacks are
// Unimplemented; node configuration problems are FailedPrecondition.
//
// Side effects on the host, as CRI-O has them: missing host directories of
// CRI mounts are created, and so are the working directory and the image's
// volume directories inside the rootfs (beneath it only; see RootfsAccess).
nlohmann::json buildRuntimeSpec(const config::Config& cfg, const PodContext& pod,
                                const ContainerContext& ctr);

// The same against a described host instead of this one.
nlohmann::json buildRuntimeSpec(const config::Config& cfg, const PodContext& pod,
                                const ContainerContext& ctr, const HostFacts& host);

}  // namespace crix::oci

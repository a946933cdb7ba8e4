// Brings the daemon's state back at start, after a clean stop or a kill -9:
// complete pods and containers return with their true state (a container
// that exited meanwhile gets its exit code from crix-conmon's exit file);
// what a crash left half made is torn down, as are writable layers and
// directories no record owns, and CNI attachments of pods that are gone
// (their IPs and rules are released). Running containers are never touched.
#pragma once

#include "cri/runtime/ContainerLifecycle.h"
#include "cri/runtime/PodLifecycle.h"
#include "cri/state/RuntimeState.h"
#include "netns/cni/PodNetworking.h"
#include "storage/ImageStorage.h"

namespace crix::cri {

struct RecoverySummary {
  int pods = 0;
  int containers = 0;
  int discarded = 0;  // half-made or orphaned things removed
};

RecoverySummary recoverState(RuntimeState& state, PodLifecycle& pods, ContainerLifecycle& containers,
                             netns::cni::PodNetworking& network, storage::ImageStorage& images);

}  // namespace crix::cri

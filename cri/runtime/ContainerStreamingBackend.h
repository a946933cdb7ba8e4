// What the streaming server serves, from the daemon's side: exec'd
// processes (crix-conmon in streaming exec mode), attaching to a container's
// crix-conmon, and connections into a pod's network namespace. Runs on the
// server's connection threads; holds no lock across the stream.
#pragma once

#include "cri/LiveConfig.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/state/RuntimeState.h"
#include "cri/streaming/StreamingBackend.h"

namespace crix::cri {

class ContainerStreamingBackend : public streaming::StreamingBackend {
 public:
  ContainerStreamingBackend(const LiveConfig& config, RuntimeState& state, ContainerLifecycle& containers)
      : config_(config), state_(state), containers_(containers) {}

  streaming::RemoteCommandOutcome exec(const streaming::ExecRequest& request, streaming::RemoteCommandIo io) override;
  streaming::RemoteCommandOutcome attach(const streaming::AttachRequest& request,
                                         streaming::RemoteCommandIo io) override;
  UniqueFd dialPort(const std::string& podSandboxId, uint16_t port) override;

 private:
  const LiveConfig& config_;
  RuntimeState& state_;
  ContainerLifecycle& containers_;
};

}  // namespace crix::cri

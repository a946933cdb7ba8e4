// The CRI's Exec, Attach and PortForward requests checked as kubelet's
// streaming server and CRI-O check them, before a streaming URL is handed
// out: a URL is only given for something that can be served.
#pragma once

#include "cri/api/Cri.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/state/RuntimeState.h"
#include "cri/streaming/StreamingRequests.h"

namespace crix::cri {

// InvalidArgument: no container_id / cmd, tty with stderr, no stream at
// all. NotFound: no such container. FailedPrecondition: not running.
streaming::ExecRequest checkedExec(const runtime::v1::ExecRequest& request, ContainerLifecycle& containers);

// As for Exec (without cmd), and FailedPrecondition when stdin or a tty is
// asked of a container created without them.
streaming::AttachRequest checkedAttach(const runtime::v1::AttachRequest& request, ContainerLifecycle& containers);

// InvalidArgument: no pod_sandbox_id, a port outside 1..65535. NotFound: no
// such pod. FailedPrecondition: the pod is not ready.
streaming::PortForwardRequest checkedPortForward(const runtime::v1::PortForwardRequest& request,
                                                 RuntimeState& state);

}  // namespace crix::cri

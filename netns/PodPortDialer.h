// A TCP connection to localhost:PORT inside a pod's network namespace, for
// port forwarding (kubelet's PortForward, CRI-O's `ns.Do(net.Dial(...))`).
// The socket is created by a short-lived thread that joined the namespace:
// network namespaces are per thread, and a socket stays in the namespace it
// was created in, so the daemon's own threads never change namespace.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "core/UniqueFd.h"

namespace crix::netns {

// netnsPath "" means the node's own namespace (a host-network pod). Tries
// 127.0.0.1, then ::1. Errors: Unavailable naming the port and the reason
// (connection refused: nothing listens there), Internal when the namespace
// cannot be entered.
UniqueFd dialPodPort(const std::string& netnsPath, uint16_t port,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace crix::netns

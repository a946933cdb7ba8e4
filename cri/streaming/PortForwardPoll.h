// The part of a port-forward session's poll round that does not depend on
// the transport: the stop fd and the client's socket lead the fd list, and
// what happens to them (stop, client gone, client bytes) is decided here
// the same way for SPDY and WebSocket. The pod sockets the caller appends
// after them are its own business.
#pragma once

#include <poll.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cri/streaming/PeerSocket.h"
#include "cri/streaming/PortForwardTarget.h"

namespace crix::streaming {

// fds[0] the stop fd, fds[1] the client's socket. The client is read only
// while less than `limit` bytes wait for the pods, so a slow pod pushes back
// on the client instead of growing a buffer; written while output is queued.
std::vector<pollfd> portForwardPollHead(int stopFd, const PeerSocket& peer, size_t toPodBacklog, size_t limit);

// What a pod socket waits for: readable only while the client takes more
// (`clientTakes`) and the pod has not ended; writable while client bytes wait.
pollfd portForwardTargetPollFd(const PortForwardTarget& target, bool clientTakes);

// Polls `fds` (a head plus the caller's sockets) for up to a second and
// hands what the client sent to `fromClient`. When the server stops or the
// client closed, tells `gone` why and returns false: the session ends.
// Otherwise true, and the caller reads the revents of its own fds; an
// interrupted poll is a round without events. Throws crix::Error when poll
// itself fails.
bool pollPortForwardRound(std::vector<pollfd>& fds, PeerSocket& peer,
                          const std::function<void(std::string_view)>& fromClient,
                          const std::function<void(std::string)>& gone);

}  // namespace crix::streaming

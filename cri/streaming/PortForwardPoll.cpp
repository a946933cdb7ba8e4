#include "cri/streaming/PortForwardPoll.h"

#include <cerrno>

#include "core/Error.h"

namespace crix::streaming {

std::vector<pollfd> portForwardPollHead(int stopFd, const PeerSocket& peer, size_t toPodBacklog, size_t limit) {
  short peerEvents = toPodBacklog < limit ? POLLIN : 0;
  if (peer.pending() > 0) peerEvents |= POLLOUT;
  return {pollfd{stopFd, POLLIN, 0}, pollfd{peer.fd(), peerEvents, 0}};
}

pollfd portForwardTargetPollFd(const PortForwardTarget& target, bool clientTakes) {
  short events = 0;
  if (clientTakes && !target.podDone) events |= POLLIN;
  if (!target.toPod.empty()) events |= POLLOUT;
  return {target.socket.get(), events, 0};
}

bool pollPortForwardRound(std::vector<pollfd>& fds, PeerSocket& peer,
                          const std::function<void(std::string_view)>& fromClient,
                          const std::function<void(std::string)>& gone) {
  if (::poll(fds.data(), fds.size(), 1000) < 0) {
    if (errno != EINTR) throw Error::fromErrno("poll", errno);
    // The kernel may have left partial results; none of them is acted on.
    for (auto& fd : fds) fd.revents = 0;
    return true;
  }
  if (fds[0].revents) {
    gone("the server is stopping");
    return false;
  }
  if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
    std::string bytes;
    const auto result = peer.read(bytes);
    if (result == PeerSocket::ReadResult::Closed) {
      gone("the client closed the connection");
      return false;
    }
    if (result == PeerSocket::ReadResult::Data) fromClient(bytes);
  }
  return true;
}

}  // namespace crix::streaming

#include "cri/streaming/WebSocketPortForwardSession.h"

#include <optional>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/PortForwardPoll.h"
#include "cri/streaming/PortForwardTarget.h"
#include "cri/streaming/StreamingBackend.h"
#include "cri/streaming/websocket/PortForwardChannels.h"
#include "cri/streaming/websocket/WebSocketConnection.h"

namespace crix::streaming {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxBuffered = 256 * 1024;

struct Port {
  uint16_t number = 0;
  std::optional<PortForwardTarget> target;  // empty once the port ended
};

class Session {
 public:
  Session(PeerSocket& peer, ChannelProtocol protocol, StreamingBackend& backend, std::string pod, int stopFd,
          SessionTimeouts timeouts)
      : peer_(peer), codec_(protocol), backend_(backend), pod_(std::move(pod)), stopFd_(stopFd), timeouts_(timeouts) {}

  void run(const std::vector<uint16_t>& ports, const std::string& early) {
    for (size_t i = 0; i < ports.size(); ++i) {
      ports_.push_back(Port{ports[i], std::nullopt});
      const std::string prefix = portForwardPortPrefix(ports[i]);
      codec_.send(connection_, portForwardDataChannel(i), prefix);
      codec_.send(connection_, portForwardErrorChannel(i), prefix);
    }
    for (size_t i = 0; i < ports_.size(); ++i) {
      try {
        ports_[i].target = PortForwardTarget::dial(backend_, pod_, ports_[i].number);
      } catch (const std::exception& e) {
        fail(i, e.what());
      }
    }
    if (!early.empty()) receive(early);
    while (!gone_) {
      closeWhenAllEnded();
      flushPeer();
      if (gone_) break;
      if (finishDeadline_ && Clock::now() >= *finishDeadline_) break;
      if (timeouts_.idle.count() > 0 && Clock::now() - lastActivity_ >= timeouts_.idle) {
        log::info("streaming: closing a port-forward connection idle for ", timeouts_.idle.count(), " ms");
        break;
      }
      if (!pollOnce()) break;
    }
    // The answer to the client's close (queued by feed()) still goes out.
    flushPeer();
    log::debug("streaming: WebSocket port-forward ends: ", goneReason_);
  }

 private:
  void markGone(std::string reason) {
    if (gone_) return;
    gone_ = true;
    goneReason_ = std::move(reason);
  }

  void fail(size_t index, const std::string& error) {
    const std::string message = portForwardErrorMessage(ports_[index].number, pod_, error);
    log::debug("streaming: ", message);
    if (connection_.canSend()) codec_.send(connection_, portForwardErrorChannel(index), message);
    ports_[index].target.reset();
  }

  void closeWhenAllEnded() {
    if (finishDeadline_) return;
    for (const auto& port : ports_)
      if (port.target) return;
    connection_.close(wsclose::kNormal);
    finishDeadline_ = Clock::now() + timeouts_.finish;
  }

  void flushPeer() {
    const std::string out = connection_.takeOutput();
    if (!out.empty()) peer_.queue(out);
    if (!peer_.flush()) markGone("writing to the client failed");
  }

  void receive(std::string_view bytes) {
    lastActivity_ = Clock::now();
    for (const auto& event : connection_.feed(bytes)) {
      if (event.kind == WebSocketEvent::Kind::Closed) markGone("the client closed the WebSocket");
      else if (event.kind == WebSocketEvent::Kind::Failed) markGone("WebSocket protocol error: " + event.payload);
      if (event.kind != WebSocketEvent::Kind::Message) continue;
      const ChannelMessage message = codec_.decode(event.payload);
      if (message.kind == ChannelMessage::Kind::Violation) {
        connection_.close(wsclose::kProtocolError, message.error);
        markGone(message.error);
        continue;
      }
      if (message.kind != ChannelMessage::Kind::Data || message.channel % 2 != 0) continue;
      const size_t index = message.channel / 2;
      if (index >= ports_.size() || !ports_[index].target) continue;
      ports_[index].target->toPod += message.data;
      pumpToPod(index);
    }
  }

  void pumpToPod(size_t index) {
    if (!ports_[index].target->writePending()) fail(index, "writing to the pod failed");
  }

  void readPod(size_t index) {
    std::string bytes;
    switch (ports_[index].target->read(bytes, 32 * 1024)) {
      case PortForwardTarget::ReadResult::Data:
        lastActivity_ = Clock::now();
        if (connection_.canSend()) codec_.send(connection_, portForwardDataChannel(index), bytes);
        return;
      case PortForwardTarget::ReadResult::WouldBlock: return;
      case PortForwardTarget::ReadResult::Eof: ports_[index].target.reset(); return;
      case PortForwardTarget::ReadResult::Error: fail(index, "reading from the pod failed"); return;
    }
  }

  bool pollOnce() {
    size_t backlog = 0;
    for (const auto& port : ports_)
      if (port.target) backlog += port.target->toPod.size();
    std::vector<pollfd> fds = portForwardPollHead(stopFd_, peer_, backlog, kMaxBuffered);
    std::vector<size_t> owners;
    const bool clientTakes = peer_.pending() < kMaxBuffered;
    for (size_t i = 0; i < ports_.size(); ++i) {
      if (!ports_[i].target) continue;
      fds.push_back(portForwardTargetPollFd(*ports_[i].target, clientTakes));
      owners.push_back(i);
    }
    if (!pollPortForwardRound(fds, peer_, [this](std::string_view bytes) { receive(bytes); },
                              [this](std::string reason) { markGone(std::move(reason)); }))
      return false;
    for (size_t k = 0; k < owners.size(); ++k) {
      const size_t i = owners[k];
      const short revents = fds[k + 2].revents;
      if (!revents || !ports_[i].target) continue;
      if (revents & POLLOUT) pumpToPod(i);
      if (ports_[i].target && (revents & (POLLIN | POLLHUP | POLLERR))) readPod(i);
    }
    return true;
  }

  PeerSocket& peer_;
  ChannelCodec codec_;
  WebSocketConnection connection_;
  StreamingBackend& backend_;
  std::string pod_;
  int stopFd_;
  SessionTimeouts timeouts_;
  std::vector<Port> ports_;
  bool gone_ = false;
  std::string goneReason_;
  std::optional<Clock::time_point> finishDeadline_;
  Clock::time_point lastActivity_ = Clock::now();
};

}  // namespace

void serveWebSocketPortForward(PeerSocket& peer, std::string early, ChannelProtocol protocol,
                               const std::vector<uint16_t>& ports, StreamingBackend& backend,
                               const std::string& podSandboxId, int stopFd, SessionTimeouts timeouts) {
  Session session(peer, protocol, backend, podSandboxId, stopFd, timeouts);
  session.run(ports, early);
  peer.flushAll(Clock::now() + std::chrono::seconds(2), stopFd);
}

}  // namespace crix::streaming

#include "cri/streaming/SpdyPortForwardSession.h"

#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/PortForwardPoll.h"
#include "cri/streaming/PortForwardTarget.h"
#include "cri/streaming/SpdyStreamReply.h"
#include "cri/streaming/StreamingBackend.h"
#include "cri/streaming/spdy/KubeletStreamHeaders.h"
#include "cri/streaming/spdy/SpdySession.h"

namespace crix::streaming {

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxBuffered = 256 * 1024;

std::span<const uint8_t> asBytes(std::string_view s) { return {reinterpret_cast<const uint8_t*>(s.data()), s.size()}; }

struct Pair {
  uint64_t serial = 0;  // tells a reused requestid's pairs apart
  std::optional<uint32_t> data, error;
  uint16_t port = 0;
  Clock::time_point created = Clock::now();
  bool dialing = false;
  // The client's bytes (and FIN) that came before the dial finished.
  std::string early;
  bool earlyFin = false;
  std::optional<PortForwardTarget> target;
};

struct DialResult {
  uint64_t serial = 0;
  std::string requestId;
  std::optional<PortForwardTarget> target;
  std::string error;
};

class Session {
 public:
  Session(PeerSocket& peer, StreamingBackend& backend, const std::string& podSandboxId, int stopFd,
          SessionTimeouts timeouts, PortForwardLimits limits)
      : peer_(peer), backend_(backend), pod_(podSandboxId), stopFd_(stopFd), timeouts_(timeouts), limits_(limits),
        session_(options()), dialEvent_(makeEventFd()) {}

  ~Session() {
    // Dials are bounded by the backend; their sockets close with the results.
    for (auto& [serial, thread] : dialThreads_) thread.join();
  }

  void run(const std::string& early) {
    if (!early.empty()) receive(early);
    while (!gone_) {
      flushPeer();
      if (gone_) break;
      expireIncompletePairs();
      if (timeouts_.idle.count() > 0 && Clock::now() - lastActivity_ >= timeouts_.idle) {
        log::info("streaming: closing a port-forward connection idle for ", timeouts_.idle.count(), " ms");
        break;
      }
      if (!pollOnce()) break;
    }
    log::debug("streaming: port-forward connection ends: ", goneReason_);
  }

 private:
  static spdy::SessionOptions options() {
    spdy::SessionOptions o;
    o.flowControl = spdy::FlowControl::Auto;
    o.autoConsume = true;
    return o;
  }

  void markGone(std::string reason) {
    if (gone_) return;
    gone_ = true;
    goneReason_ = std::move(reason);
  }

  void flushPeer() {
    const auto out = session_.takeOutput();
    if (!out.empty()) peer_.queue(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
    if (!peer_.flush()) markGone("writing to the client failed");
  }

  size_t toPodBacklog() const {
    size_t total = 0;
    for (const auto& [id, pair] : pairs_) total += pair.early.size() + (pair.target ? pair.target->toPod.size() : 0);
    return total;
  }

  Pair* pairOfStream(uint32_t streamId, std::string* requestId = nullptr) {
    for (auto& [id, pair] : pairs_)
      if (pair.data == streamId || pair.error == streamId) {
        if (requestId) *requestId = id;
        return &pair;
      }
    return nullptr;
  }

  // Ends a pair: FIN on both streams (kubelet closes them), socket closed.
  void closePair(const std::string& requestId) {
    auto it = pairs_.find(requestId);
    if (it == pairs_.end()) return;
    for (auto stream : {it->second.data, it->second.error})
      if (stream && session_.isOpen(*stream)) {
        try {
          session_.sendData(*stream, {}, /*fin=*/true);
        } catch (const Error&) {
          // our FIN already went out on it
        }
      }
    pairs_.erase(it);
  }

  void failPair(const std::string& requestId, const std::string& message) {
    auto it = pairs_.find(requestId);
    if (it == pairs_.end()) return;
    log::debug("streaming: ", message);
    if (it->second.error && session_.isOpen(*it->second.error)) {
      try {
        session_.sendData(*it->second.error, asBytes(message));
      } catch (const Error&) {
      }
    }
    closePair(requestId);
  }

  void onOpened(const spdy::StreamOpened& opened) {
    spdy::PortForwardStream info;
    try {
      info = spdy::portForwardStream(opened.streamId, opened.headers);
    } catch (const Error& e) {
      log::debug("streaming: refusing a port-forward stream: ", e.what());
      session_.reset(opened.streamId, spdy::RstStatus::RefusedStream);
      return;
    }
    auto it = pairs_.find(info.requestId);
    if (it == pairs_.end()) {
      if (pairs_.size() >= limits_.maxPairs) {
        session_.reset(opened.streamId, spdy::RstStatus::RefusedStream);
        return;
      }
      it = pairs_.emplace(info.requestId, Pair{}).first;
      it->second.serial = ++lastSerial_;
      it->second.port = info.port;
    }
    Pair& pair = it->second;
    auto& slot = info.type == spdy::PortForwardStreamType::Data ? pair.data : pair.error;
    if (slot) {
      // kubelet refuses a second stream of the same kind for one request.
      session_.reset(opened.streamId, spdy::RstStatus::ProtocolError);
      return;
    }
    session_.reply(opened.streamId, spdyStreamReplyHeaders());
    slot = opened.streamId;
    if (pair.data && pair.error) dial(it->first, pair);
  }

  // On a thread of its own, as kubelet dials each pair in a goroutine: a
  // slow dial must not stall the other pairs of the connection. At most
  // maxDials threads at once: a client opening many pairs into a pod that
  // does not answer gets its pairs dialed in turn, not a thread each.
  void dial(const std::string& requestId, Pair& pair) {
    pair.dialing = true;
    if (dialThreads_.size() >= limits_.maxDials) {
      waitingDials_.push_back({pair.serial, requestId});
      return;
    }
    startDial(requestId, pair);
  }

  void startWaitingDials() {
    while (dialThreads_.size() < limits_.maxDials && !waitingDials_.empty()) {
      const auto [serial, requestId] = waitingDials_.front();
      waitingDials_.pop_front();
      auto it = pairs_.find(requestId);
      // The pair ended while it waited.
      if (it == pairs_.end() || it->second.serial != serial) continue;
      startDial(requestId, it->second);
    }
  }

  void startDial(const std::string& requestId, Pair& pair) {
    const uint64_t serial = pair.serial;
    const uint16_t port = pair.port;
    dialThreads_.emplace(serial, std::thread([this, serial, requestId, port] {
      DialResult result{serial, requestId, std::nullopt, ""};
      try {
        result.target = PortForwardTarget::dial(backend_, pod_, port);
      } catch (const std::exception& e) {
        result.error = e.what();
      }
      {
        std::lock_guard lock(dialMutex_);
        dialResults_.push_back(std::move(result));
      }
      signalEventFd(dialEvent_.get());
    }));
  }

  void collectDials() {
    uint64_t count = 0;
    [[maybe_unused]] const ssize_t n = ::read(dialEvent_.get(), &count, sizeof count);
    std::vector<DialResult> results;
    {
      std::lock_guard lock(dialMutex_);
      results.swap(dialResults_);
    }
    for (auto& result : results) {
      auto thread = dialThreads_.find(result.serial);
      thread->second.join();
      dialThreads_.erase(thread);
      startWaitingDials();
      auto it = pairs_.find(result.requestId);
      // The pair ended while dialing: the socket closes with the result.
      if (it == pairs_.end() || it->second.serial != result.serial) continue;
      Pair& pair = it->second;
      pair.dialing = false;
      if (!result.target) {
        failPair(result.requestId, portForwardErrorMessage(pair.port, pod_, result.error));
        continue;
      }
      pair.target = std::move(result.target);
      pair.target->toPod = std::move(pair.early);
      pair.target->clientDone = pair.earlyFin;
      pumpToPod(result.requestId, pair);
    }
  }

  void onData(const spdy::StreamData& data) {
    std::string requestId;
    Pair* pair = pairOfStream(data.streamId, &requestId);
    if (!pair || pair->data != data.streamId) return;  // the error stream carries nothing from the client
    if (!pair->target) {
      pair->early.append(reinterpret_cast<const char*>(data.bytes.data()), data.bytes.size());
      if (data.fin) pair->earlyFin = true;
      return;
    }
    pair->target->toPod.append(reinterpret_cast<const char*>(data.bytes.data()), data.bytes.size());
    if (data.fin) pair->target->clientDone = true;
    pumpToPod(requestId, *pair);
  }

  void pumpToPod(const std::string& requestId, Pair& pair) {
    if (!pair.target->writePending()) {
      failPair(requestId, portForwardErrorMessage(pair.port, pod_, "writing to the pod failed"));
      return;
    }
    pair.target->shutdownWriteWhenDrained();
    if (pair.target->clientDone && pair.target->toPod.empty() && pair.target->podDone) closePair(requestId);
  }

  void receive(std::string_view bytes) {
    lastActivity_ = Clock::now();
    for (const auto& event : session_.feed(asBytes(bytes))) {
      if (const auto* opened = std::get_if<spdy::StreamOpened>(&event)) onOpened(*opened);
      else if (const auto* data = std::get_if<spdy::StreamData>(&event)) onData(*data);
      else if (const auto* reset = std::get_if<spdy::StreamReset>(&event)) {
        std::string requestId;
        if (pairOfStream(reset->streamId, &requestId)) closePair(requestId);
      } else if (std::holds_alternative<spdy::GoAwayReceived>(event)) {
        markGone("the client sent GOAWAY");
      } else if (const auto* error = std::get_if<spdy::SessionError>(&event)) {
        markGone("SPDY session error: " + error->message);
      }
    }
  }

  void expireIncompletePairs() {
    const auto now = Clock::now();
    std::vector<std::string> expired;
    for (const auto& [id, pair] : pairs_)
      if (!(pair.data && pair.error) && now - pair.created >= limits_.streamCreationTimeout) expired.push_back(id);
    for (const auto& id : expired) {
      Pair& pair = pairs_.at(id);
      if (pair.data) session_.reset(*pair.data);
      failPair(id, "(request " + id + ") timed out waiting for streams");
    }
  }

  void readPod(const std::string& requestId, Pair& pair) {
    std::string bytes;
    switch (pair.target->read(bytes, 32 * 1024)) {
      case PortForwardTarget::ReadResult::Data:
        lastActivity_ = Clock::now();
        session_.sendData(*pair.data, asBytes(bytes));
        return;
      case PortForwardTarget::ReadResult::WouldBlock: return;
      case PortForwardTarget::ReadResult::Eof:
        pair.target->podDone = true;
        // The pod closed its side: nothing more comes; kubelet ends the pair.
        closePair(requestId);
        return;
      case PortForwardTarget::ReadResult::Error:
        failPair(requestId, portForwardErrorMessage(pair.port, pod_, "reading from the pod failed"));
        return;
    }
  }

  bool pollOnce() {
    std::vector<pollfd> fds = portForwardPollHead(stopFd_, peer_, toPodBacklog(), kMaxBuffered);
    std::vector<std::string> owners;  // request ids of fds[3..]
    fds.push_back({dialEvent_.get(), POLLIN, 0});
    const bool clientTakes = peer_.pending() + session_.queuedBytes() < kMaxBuffered;
    for (auto& [id, pair] : pairs_) {
      if (!pair.target || !pair.target->socket) continue;
      fds.push_back(portForwardTargetPollFd(*pair.target, clientTakes));
      owners.push_back(id);
    }
    if (!pollPortForwardRound(fds, peer_, [this](std::string_view bytes) { receive(bytes); },
                              [this](std::string reason) { markGone(std::move(reason)); }))
      return false;
    if (fds[2].revents) collectDials();
    for (size_t i = 0; i < owners.size(); ++i) {
      const short revents = fds[i + 3].revents;
      if (!revents) continue;
      auto it = pairs_.find(owners[i]);
      if (it == pairs_.end() || !it->second.target) continue;  // closed meanwhile
      if (revents & POLLOUT) pumpToPod(owners[i], it->second);
      it = pairs_.find(owners[i]);
      if (it == pairs_.end()) continue;
      if (revents & (POLLIN | POLLHUP | POLLERR)) readPod(owners[i], it->second);
    }
    return true;
  }

  PeerSocket& peer_;
  StreamingBackend& backend_;
  std::string pod_;
  int stopFd_;
  SessionTimeouts timeouts_;
  PortForwardLimits limits_;
  spdy::SpdySession session_;
  std::map<std::string, Pair> pairs_;
  uint64_t lastSerial_ = 0;
  UniqueFd dialEvent_;
  std::mutex dialMutex_;
  std::vector<DialResult> dialResults_;
  std::map<uint64_t, std::thread> dialThreads_;
  std::deque<std::pair<uint64_t, std::string>> waitingDials_;  // (serial, request id), in arrival order
  bool gone_ = false;
  std::string goneReason_;
  Clock::time_point lastActivity_ = Clock::now();
};

}  // namespace

void serveSpdyPortForward(PeerSocket& peer, std::string early, StreamingBackend& backend,
                          const std::string& podSandboxId, int stopFd, SessionTimeouts timeouts,
                          PortForwardLimits limits) {
  Session session(peer, backend, podSandboxId, stopFd, timeouts, limits);
  session.run(early);
  // Whatever is still queued (a last error message) goes out if it can.
  peer.flushAll(Clock::now() + std::chrono::seconds(2), stopFd);
}

}  // namespace crix::streaming

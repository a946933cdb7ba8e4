#include "tests/cri/streaming/spdy/LoopbackSpdyServer.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>

#include "core/Error.h"
#include "cri/streaming/spdy/KubeletStreamHeaders.h"
#include "tests/cri/streaming/spdy/SpdyTestPeer.h"

namespace crix::spdy::test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectionLimit = std::chrono::seconds(60);

const HeaderBlock kReplyHeaders{{":status", "200"}, {":version", "HTTP/1.1"}};

// What the server does with the session's events; the test's stand-in for
// kubelet's exec and port-forward handlers.
class Behaviour {
 public:
  Behaviour(SpdySession& session, std::function<void(const std::string&)> note)
      : session_(session), note_(std::move(note)) {}

  void on(const SessionEvent& event) {
    std::visit([&](const auto& e) { handle(e); }, event);
    maxQueued_ = std::max(maxQueued_, session_.queuedBytes());
  }

  void summary() {
    note_("max-queued " + std::to_string(maxQueued_));
    note_("drained " + std::to_string(drained_));
    note_(std::string("windows-enforced ") + (session_.sendWindowsEnforced() ? "yes" : "no"));
  }

 private:
  void handle(const StreamOpened& e) {
    const std::string type(e.headers.first("streamtype").value_or(""));
    types_[e.streamId] = type;
    note_("opened " + std::to_string(e.streamId) + " " + type);
    if (type == "reset-me") {
      session_.reset(e.streamId, RstStatus::RefusedStream);
      return;
    }
    HeaderBlock reply = kReplyHeaders;
    if (type == "data") {
      const PortForwardStream pf = portForwardStream(e.streamId, e.headers);
      reply.add("x-port", std::to_string(pf.port));
      reply.add("x-requestid", pf.requestId);
    }
    session_.reply(e.streamId, reply);
    if (type == "stdout") stdout_ = e.streamId;
    if (type == "error") error_ = e.streamId;
    if (e.fin) handle(StreamData{e.streamId, true, {}});
  }

  void handle(const StreamData& e) {
    const std::string& type = types_[e.streamId];
    if (type == "stdin") {
      // Like `sort`: all of stdin, then all of it on stdout in one write, so
      // that the write must wait for the client's window updates.
      stdin_.insert(stdin_.end(), e.bytes.begin(), e.bytes.end());
      if (e.fin) {
        session_.sendData(stdout_, stdin_, true);
        session_.sendData(error_, bytesOf(R"({"metadata":{},"status":"Success"})"), true);
        session_.sendData(e.streamId, {}, true);
      }
    } else if (type == "echo" || type == "data") {
      session_.sendData(e.streamId, e.bytes, e.fin);
    }
    session_.consume(e.streamId, e.bytes.size());
  }

  void handle(const StreamReset& e) {
    note_("reset " + std::to_string(e.streamId) + " " + std::string(rstStatusName(e.status)) +
          (e.byPeer ? " by-peer" : " by-us"));
  }
  void handle(const StreamHeaders& e) { note_("headers " + std::to_string(e.streamId)); }
  void handle(const StreamDrained&) { ++drained_; }
  void handle(const PingAnswered&) { note_("ping-answered"); }
  void handle(const GoAwayReceived&) { note_("goaway"); }
  void handle(const SessionError& e) { note_("session-error " + e.message); }

  SpdySession& session_;
  std::function<void(const std::string&)> note_;
  std::map<uint32_t, std::string> types_;
  std::vector<uint8_t> stdin_;
  uint32_t stdout_ = 0;
  uint32_t error_ = 0;
  size_t maxQueued_ = 0;
  size_t drained_ = 0;
};

}  // namespace

LoopbackSpdyServer::LoopbackSpdyServer(const SessionOptions& options)
    : options_(options), listener_(crix::test::listenOnLoopback()), thread_([this] { run(); }) {}

LoopbackSpdyServer::~LoopbackSpdyServer() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void LoopbackSpdyServer::finish() {
  // The client ends the session (GOAWAY, then it closes the socket); give
  // the thread a moment to see that, then stop it regardless.
  const auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    {
      std::lock_guard lock(mutex_);
      if (std::find(log_.begin(), log_.end(), "closed") != log_.end()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

std::vector<std::string> LoopbackSpdyServer::log() const {
  std::lock_guard lock(mutex_);
  return log_;
}

bool LoopbackSpdyServer::saw(const std::string& line) const {
  const auto lines = log();
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

void LoopbackSpdyServer::note(const std::string& line) {
  std::lock_guard lock(mutex_);
  log_.push_back(line);
}

void LoopbackSpdyServer::run() {
  const auto deadline = Clock::now() + kConnectionLimit;
  while (!stop_ && Clock::now() < deadline) {
    pollfd p{listener_.fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    UniqueFd conn(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!conn) continue;
    try {
      serve(conn.get());
    } catch (const std::exception& e) {
      note(std::string("server-failure ") + e.what());
    }
    note("closed");
    return;
  }
}

void LoopbackSpdyServer::serve(int fd) {
  SpdySession session(options_);
  Behaviour behaviour(session, [this](const std::string& line) { note(line); });
  session.ping();
  const auto deadline = Clock::now() + kConnectionLimit;
  std::vector<uint8_t> buffer(64 * 1024);
  bool peerClosed = false;
  while (!stop_ && Clock::now() < deadline) {
    const bool wantWrite = !session.pendingOutput().empty();
    if (peerClosed && !wantWrite) break;
    if (session.closed() && !wantWrite) break;
    pollfd p{fd, static_cast<short>((peerClosed ? 0 : POLLIN) | (wantWrite ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, 50) < 0 && errno != EINTR) throw Error::fromErrno("poll", errno);
    if (p.revents & POLLOUT) {
      const auto out = session.pendingOutput();
      const ssize_t n = ::send(fd, out.data(), out.size(), MSG_NOSIGNAL);
      if (n > 0) session.consumeOutput(static_cast<size_t>(n));
      else if (n < 0 && errno != EAGAIN && errno != EINTR) break;  // the client is gone
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
      if (n > 0) {
        for (const auto& event : session.feed(buffer.data(), static_cast<size_t>(n))) behaviour.on(event);
      } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
        peerClosed = true;
      }
    }
  }
  behaviour.summary();
}

}  // namespace crix::spdy::test

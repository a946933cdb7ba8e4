#include "tests/cri/streaming/websocket/LoopbackWsServer.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "core/UniqueFd.h"
#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/websocket/ChannelProtocol.h"
#include "cri/streaming/websocket/WebSocketConnection.h"
#include "cri/streaming/websocket/WebSocketHandshake.h"

namespace crix::streaming::test {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectionDeadline = std::chrono::seconds(20);

int millisLeft(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

bool waitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, millisLeft(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

// Empty on EOF; throws on timeout or error.
std::string readSome(int fd, Clock::time_point deadline) {
  if (!waitFor(fd, POLLIN, deadline)) throw std::runtime_error("read timed out");
  char buf[65536];
  const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
  if (n < 0) throw std::runtime_error("recv failed: errno " + std::to_string(errno));
  return std::string(buf, static_cast<size_t>(n));
}

void writeAll(int fd, std::string_view data, Clock::time_point deadline) {
  while (!data.empty()) {
    if (!waitFor(fd, POLLOUT, deadline)) throw std::runtime_error("write timed out");
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      throw std::runtime_error("send failed: errno " + std::to_string(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

LoopbackWsServer::LoopbackWsServer(WebSocketLimits limits)
    : limits_(limits), listener_(crix::test::listenOnLoopback()) {
  thread_ = std::thread([this] { run(); });
}

LoopbackWsServer::~LoopbackWsServer() {
  if (thread_.joinable()) stop();
}

ServerLog LoopbackWsServer::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  return log_;
}

void LoopbackWsServer::run() {
  while (!stopping_) {
    pollfd p{listener_.fd.get(), POLLIN, 0};
    if (::poll(&p, 1, 50) <= 0) continue;
    UniqueFd connection(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!connection) continue;
    try {
      serve(connection.get());
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      log_.failures.push_back(std::string("server: ") + e.what());
    }
  }
}

void LoopbackWsServer::serve(int fd) {
  const auto deadline = Clock::now() + kConnectionDeadline;

  HttpRequestParser parser;
  while (parser.state() == HttpRequestParser::State::Incomplete) {
    const std::string bytes = readSome(fd, deadline);
    if (bytes.empty()) return;
    parser.feed(bytes);
  }
  if (parser.state() == HttpRequestParser::State::Failed) {
    writeAll(fd, errorResponse(parser.failureStatus(), parser.failureMessage()).serialize(), deadline);
    std::lock_guard lock(mutex_);
    log_.refusals.push_back(parser.failureStatus());
    return;
  }
  const HttpRequest request = parser.takeRequest();
  if (request.path.rfind("/exec/", 0) != 0) {
    writeAll(fd, errorResponse(404, "not found").serialize(), deadline);
    std::lock_guard lock(mutex_);
    log_.refusals.push_back(404);
    return;
  }
  const WebSocketHandshake handshake = acceptWebSocket(request, remoteCommandWebSocketProtocols());
  writeAll(fd, handshake.response.serialize(), deadline);
  if (!handshake.accepted) {
    std::lock_guard lock(mutex_);
    log_.refusals.push_back(handshake.response.status);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    log_.protocols.push_back(handshake.protocol);
  }

  const ChannelCodec codec(*channelProtocolFor(handshake.protocol));
  WebSocketConnection ws(limits_);
  codec.send(ws, channel::kStdout, "");
  ws.sendPing("srv");

  std::string pending = parser.takeRemainder();
  while (true) {
    for (auto& event : ws.feed(pending)) {
      std::lock_guard lock(mutex_);
      switch (event.kind) {
        case WebSocketEvent::Kind::Message: {
          const ChannelMessage message = codec.decode(event.payload);
          if (message.kind == ChannelMessage::Kind::Data && message.channel == channel::kStdin) {
            log_.stdinBytes += message.data;
            ++log_.stdinMessages;
            if (ws.canSend()) codec.send(ws, channel::kStdout, message.data);
          } else if (message.kind == ChannelMessage::Kind::CloseChannel && message.channel == channel::kStdin) {
            log_.stdinClosed = true;
            if (ws.canSend()) {
              codec.send(ws, channel::kError, R"({"metadata":{},"status":"Success"})");
              ws.close(1000, "exec finished");
            }
          } else if (message.kind == ChannelMessage::Kind::Violation) {
            log_.failures.push_back("channel: " + message.error);
            ws.close(1002, message.error);
          }
          break;
        }
        case WebSocketEvent::Kind::Ping:
          log_.pings.push_back(event.payload);
          break;
        case WebSocketEvent::Kind::Pong:
          log_.pongs.push_back(event.payload);
          break;
        case WebSocketEvent::Kind::Closed:
          log_.closeCodes.push_back(event.closeCode);
          log_.closeReasons.push_back(event.payload);
          break;
        case WebSocketEvent::Kind::Failed:
          log_.failures.push_back("websocket " + std::to_string(event.closeCode) + ": " + event.payload);
          break;
      }
    }
    writeAll(fd, ws.takeOutput(), deadline);
    if (ws.state() == WebSocketConnection::State::Closed) {
      // The server closes TCP first (RFC 6455 7.1.1), but lingers: closing
      // with unread bytes would reset the connection and could destroy the
      // close frame before the peer reads it.
      ::shutdown(fd, SHUT_WR);
      const auto lingerUntil = std::min(deadline, Clock::now() + std::chrono::seconds(2));
      while (waitFor(fd, POLLIN, lingerUntil)) {
        char sink[65536];
        if (::recv(fd, sink, sizeof sink, 0) <= 0) break;
      }
      return;
    }
    pending = readSome(fd, deadline);
    if (pending.empty()) {
      std::lock_guard lock(mutex_);
      log_.failures.push_back("client went away without a close handshake");
      return;
    }
  }
}

}  // namespace crix::streaming::test

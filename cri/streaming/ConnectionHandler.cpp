#include "cri/streaming/ConnectionHandler.h"

#include <cerrno>
#include <optional>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/streaming/RemoteCommandSession.h"
#include "cri/streaming/SpdyPortForwardSession.h"
#include "cri/streaming/SpdyRemoteCommandChannels.h"
#include "cri/streaming/WebSocketPortForwardSession.h"
#include "cri/streaming/WebSocketRemoteCommandChannels.h"
#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "cri/streaming/http/UpgradeNegotiation.h"
#include "cri/streaming/websocket/PortForwardChannels.h"
#include "cri/streaming/websocket/WebSocketHandshake.h"

namespace crix::streaming {

namespace {

using Clock = std::chrono::steady_clock;

enum class Route { Exec, Attach, PortForward };

// "/exec/TOKEN" and the like; nothing for any other path.
std::optional<std::pair<Route, std::string>> route(const std::string& path) {
  for (const auto& [prefix, kind] : {std::pair{std::string_view("/exec/"), Route::Exec},
                                     std::pair{std::string_view("/attach/"), Route::Attach},
                                     std::pair{std::string_view("/portforward/"), Route::PortForward}}) {
    if (!path.starts_with(prefix)) continue;
    std::string token = path.substr(prefix.size());
    if (token.empty() || token.find('/') != std::string::npos) return std::nullopt;
    return std::pair{kind, std::move(token)};
  }
  return std::nullopt;
}

class Connection {
 public:
  Connection(const ConnectionContext& context, PeerSocket& peer) : ctx_(context), peer_(peer) {}

  void serve() {
    auto request = readHead();
    if (!request) return;
    const auto target = route(request->path);
    if (!target) return respond(errorResponse(404, "404 page not found"));
    if (request->method != "GET" && request->method != "POST") {
      HttpResponse refusal = errorResponse(405, "Method Not Allowed");
      refusal.headers.set("Allow", "GET, POST");
      return respond(refusal);
    }
    auto cached = ctx_.cache.consume(target->second);
    if (!cached) return respond(errorResponse(404, "404 page not found"));
    const UpgradeKind upgrade = requestedUpgrade(*request);
    if (upgrade == UpgradeKind::None)
      return respond(errorResponse(400, "unable to upgrade: missing upgrade headers in request"));
    if (upgrade == UpgradeKind::Other)
      return respond(errorResponse(400, "unable to upgrade: only SPDY/3.1 and websocket upgrades are supported"));
    const bool websocket = upgrade == UpgradeKind::WebSocket;

    switch (target->first) {
      case Route::Exec: {
        const auto* exec = std::get_if<ExecRequest>(&*cached);
        if (!exec) return respond(errorResponse(404, "404 page not found"));
        const RemoteCommandStreams streams{exec->stdin, exec->stdout, exec->stderr && !exec->tty, exec->tty};
        const ExecRequest copy = *exec;
        return remoteCommand(*request, websocket, RemoteCommandKind::Exec, streams,
                             [&](RemoteCommandIo io) { return ctx_.backend.exec(copy, std::move(io)); });
      }
      case Route::Attach: {
        const auto* attach = std::get_if<AttachRequest>(&*cached);
        if (!attach) return respond(errorResponse(404, "404 page not found"));
        const RemoteCommandStreams streams{attach->stdin, attach->stdout, attach->stderr && !attach->tty,
                                           attach->tty};
        const AttachRequest copy = *attach;
        return remoteCommand(*request, websocket, RemoteCommandKind::Attach, streams,
                             [&](RemoteCommandIo io) { return ctx_.backend.attach(copy, std::move(io)); });
      }
      case Route::PortForward: {
        const auto* forward = std::get_if<PortForwardRequest>(&*cached);
        if (!forward) return respond(errorResponse(404, "404 page not found"));
        return websocket ? webSocketPortForward(*request, forward->podSandboxId)
                         : spdyPortForward(*request, forward->podSandboxId);
      }
    }
  }

 private:
  SessionTimeouts timeouts() const { return {ctx_.options.idleTimeout, ctx_.options.finishTimeout}; }

  // Waits for the peer (or stop) until `deadline`; false on timeout or stop.
  bool waitReadable(Clock::time_point deadline) {
    while (Clock::now() < deadline) {
      pollfd fds[2] = {{peer_.fd(), POLLIN, 0}, {ctx_.stopFd, POLLIN, 0}};
      if (peer_.pending() > 0) fds[0].events |= POLLOUT;
      const int n = ::poll(fds, 2, pollTimeout(deadline));
      if (n < 0 && errno != EINTR) return false;
      if (fds[1].revents) return false;
      if (fds[0].revents & POLLOUT) peer_.flush();
      if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) return true;
    }
    return false;
  }

  std::optional<HttpRequest> readHead() {
    const auto deadline = Clock::now() + ctx_.options.streamCreationTimeout;
    if (!peer_.handshake(deadline, ctx_.stopFd)) return std::nullopt;
    HttpRequestParser parser;
    while (parser.state() == HttpRequestParser::State::Incomplete) {
      if (!waitReadable(deadline)) return std::nullopt;
      std::string bytes;
      if (peer_.read(bytes, 16 * 1024) == PeerSocket::ReadResult::Closed) return std::nullopt;
      parser.feed(bytes);
    }
    if (parser.state() == HttpRequestParser::State::Failed) {
      log::debug("streaming: bad request: ", parser.failureMessage());
      respond(errorResponse(parser.failureStatus(), parser.failureMessage()));
      return std::nullopt;
    }
    early_ = parser.takeRemainder();
    return parser.takeRequest();
  }

  void respond(const HttpResponse& response) {
    peer_.queue(response.serialize());
    if (peer_.flushAll(Clock::now() + std::chrono::seconds(5), ctx_.stopFd))
      peer_.shutdownAndLinger(std::chrono::seconds(1), ctx_.stopFd);
  }

  void queueSwitch(std::string_view protocol, const HttpHeaders& extra) {
    HttpResponse response = switchingProtocolsResponse(protocol);
    for (const auto& [name, value] : extra.fields()) response.headers.add(name, value);
    peer_.queue(response.serialize());
  }

  void finish() {
    if (peer_.flushAll(Clock::now() + std::chrono::seconds(5), ctx_.stopFd))
      peer_.shutdownAndLinger(std::chrono::seconds(1), ctx_.stopFd);
  }

  void remoteCommand(const HttpRequest& request, bool websocket, RemoteCommandKind kind, RemoteCommandStreams streams,
                     const RemoteCommandRunner& runner) {
    ClientInput early;
    std::unique_ptr<RemoteCommandChannels> channels;
    if (websocket) {
      const WebSocketHandshake handshake = acceptWebSocket(request, remoteCommandWebSocketProtocols());
      if (!handshake.accepted) return respond(handshake.response);
      const auto protocol = channelProtocolFor(handshake.protocol);
      if (!protocol) return respond(errorResponse(403, "unsupported protocol " + handshake.protocol));
      peer_.queue(handshake.response.serialize());
      channels = std::make_unique<WebSocketRemoteCommandChannels>(*protocol, kind, streams);
      channels->receive(early_, early);
    } else {
      const ProtocolChoice choice = negotiateStreamProtocol(request, remoteCommandSpdyProtocols());
      if (!choice.accepted) return respond(choice.refusal);
      queueSwitch(kUpgradeSpdy31, choice.responseHeaders);
      auto spdy = std::make_unique<SpdyRemoteCommandChannels>(choice.protocol, kind, streams);
      if (!waitForStreams(*spdy, early)) return;
      channels = std::move(spdy);
    }
    RemoteCommandSession session(peer_, *channels, streams, ctx_.stopFd, timeouts());
    session.run(runner, std::move(early));
    // What the session left queued (a close echo) goes out before the close.
    const std::string rest = channels->takeOutput();
    if (!rest.empty()) peer_.queue(rest);
    finish();
  }

  // kubelet waits streamCreationTimeout for the client's streams.
  bool waitForStreams(SpdyRemoteCommandChannels& channels, ClientInput& early) {
    channels.receive(early_, early);
    const auto deadline = Clock::now() + ctx_.options.streamCreationTimeout;
    while (!channels.ready()) {
      peer_.queue(channels.takeOutput());
      if (!peer_.flush() || early.gone) return false;
      if (!waitReadable(deadline)) {
        log::info("streaming: timed out waiting for the client to create streams");
        return false;
      }
      std::string bytes;
      if (peer_.read(bytes) == PeerSocket::ReadResult::Closed) return false;
      channels.receive(bytes, early);
    }
    return !early.gone;
  }

  void spdyPortForward(const HttpRequest& request, const std::string& pod) {
    const ProtocolChoice choice = negotiateStreamProtocol(request, portForwardSpdyProtocols());
    if (!choice.accepted) return respond(choice.refusal);
    queueSwitch(kUpgradeSpdy31, choice.responseHeaders);
    PortForwardLimits limits;
    limits.streamCreationTimeout = ctx_.options.streamCreationTimeout;
    serveSpdyPortForward(peer_, std::move(early_), ctx_.backend, pod, ctx_.stopFd, timeouts(), limits);
    finish();
  }

  void webSocketPortForward(const HttpRequest& request, const std::string& pod) {
    const WebSocketHandshake handshake = acceptWebSocket(request, portForwardWebSocketProtocols());
    if (!handshake.accepted) return respond(handshake.response);
    const auto protocol = channelProtocolFor(handshake.protocol);
    if (!protocol) return respond(errorResponse(403, "unsupported protocol " + handshake.protocol));
    std::vector<uint16_t> ports;
    try {
      ports = portForwardPorts(request, protocol->base64 ? kMaxPortForwardPortsBase64 : kMaxPortForwardPorts);
    } catch (const Error& e) {
      return respond(errorResponse(400, e.what()));
    }
    peer_.queue(handshake.response.serialize());
    serveWebSocketPortForward(peer_, std::move(early_), *protocol, ports, ctx_.backend, pod, ctx_.stopFd,
                              timeouts());
    finish();
  }

  const ConnectionContext& ctx_;
  PeerSocket& peer_;
  std::string early_;  // client bytes that came with the head
};

}  // namespace

void serveConnection(const ConnectionContext& context, PeerSocket& peer) {
  try {
    Connection(context, peer).serve();
  } catch (const std::exception& e) {
    log::warn("streaming: connection failed: ", e.what());
  }
}

}  // namespace crix::streaming

// The CRI streaming server: the HTTP(S) endpoint whose URLs the CRI Exec,
// Attach and PortForward RPCs return (kubelet's pkg/kubelet/cri/streaming).
// GET (or POST) /exec/{token}, /attach/{token}, /portforward/{token}
// upgraded to SPDY/3.1 or WebSocket; the token names a request the RPC put
// in the cache, usable once within the TTL. Refusals: an unknown path, or an
// unknown, expired, used or other-kind token, 404; not an upgrade request,
// 400; over maxConnections, 503; plus what the upgrade negotiation refuses
// (http/UpgradeNegotiation.h, websocket/WebSocketHandshake.h).
//
// Threads: one accepts, one per connection (and, for exec/attach, one more
// for the backend call). stop() ends every connection (backends see
// clientGone), joins every thread and closes every fd.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/UniqueFd.h"
#include "cri/streaming/RequestCache.h"
#include "cri/streaming/StreamingBackend.h"
#include "cri/streaming/TlsContext.h"

namespace crix::streaming {

struct StreamServerOptions {
  // IPv4 or IPv6 literal, or a host name (resolved at start()).
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks one (see StreamServer::port())
  // HTTPS/WSS when both are set (PEM files; the URLs say https then). TLS
  // 1.2 at least; the handshake must finish within streamCreationTimeout.
  std::string tlsCertFile;
  std::string tlsKeyFile;
  // crio.conf stream_idle_timeout: a connection without traffic this long is
  // closed. 0: never.
  std::chrono::milliseconds idleTimeout = std::chrono::hours(4);
  std::chrono::milliseconds requestTtl = std::chrono::minutes(1);
  size_t maxRequestsInFlight = 1000;
  // kubelet's streamCreationTimeout: the HTTP head, and the client's SPDY
  // streams after the upgrade, must come within this.
  std::chrono::milliseconds streamCreationTimeout = std::chrono::seconds(30);
  // After the status of an exec/attach: how long the client may take to
  // read it and close.
  std::chrono::milliseconds finishTimeout = std::chrono::minutes(1);
  size_t maxConnections = 256;
};

class StreamServer {
 public:
  // `backend` must outlive the server.
  StreamServer(StreamServerOptions options, StreamingBackend& backend);
  ~StreamServer();
  StreamServer(const StreamServer&) = delete;
  StreamServer& operator=(const StreamServer&) = delete;

  // Binds and starts serving. Throws crix::Error: InvalidArgument (address
  // does not resolve; TLS files missing, unreadable or not a matching
  // pair), Unavailable (bind/listen failed), FailedPrecondition (started
  // twice).
  void start();
  // Idempotent; returns once every connection thread has ended.
  void stop();

  // The bound port (after start()).
  uint16_t port() const { return boundPort_; }
  // "http://127.0.0.1:PORT" ("https://" with TLS), IPv6 addresses in brackets.
  std::string baseUrl() const;

  // The URL with a fresh token for each request; RequestCache's errors
  // (ResourceExhausted when too many are in flight).
  std::string execUrl(ExecRequest request);
  std::string attachUrl(AttachRequest request);
  std::string portForwardUrl(PortForwardRequest request);

  // Connections being served now (for tests and metrics).
  size_t activeConnections() const;

  struct Connection;

 private:
  void acceptLoop();
  void reapFinished(bool all);
  void refuseBusy(UniqueFd socket);

  StreamServerOptions options_;
  StreamingBackend& backend_;
  RequestCache cache_;
  std::shared_ptr<TlsContext> tls_;
  UniqueFd listener_;
  UniqueFd stopEvent_;
  uint16_t boundPort_ = 0;
  std::string urlHost_;
  std::thread acceptThread_;
  bool started_ = false;
  bool stopped_ = false;
  mutable std::mutex mutex_;
  std::list<std::unique_ptr<Connection>> connections_;
};

}  // namespace crix::streaming

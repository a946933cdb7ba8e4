// One client WebSocket over TCP for the streaming verbs: connects to the
// URL a CRI Exec/Attach/PortForward answer gave, runs the upgrade with
// bounded waits, then moves bytes between the socket (nonblocking) and the
// sans-IO WebSocketClientConnection for a poll loop.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "contrib/crixctl/StreamUrl.h"
#include "contrib/crixctl/TlsClient.h"
#include "core/UniqueFd.h"
#include "cri/streaming/websocket/WebSocketClientConnection.h"

namespace crixctl {

class WebSocketStream {
 public:
  // Connects (with TLS for an https URL, set up by `tls`) and upgrades,
  // offering `protocols` in order. Throws crix::Error:
  // Unavailable when the server cannot be reached or hangs up,
  // DeadlineExceeded after `timeout`, and for a refused or broken handshake
  // the server's status and message (PermissionDenied for 401/403, NotFound
  // for 404, InvalidArgument for other 4xx, Unavailable otherwise).
  static WebSocketStream connect(const StreamUrl& url, std::vector<std::string> protocols,
                                 std::chrono::milliseconds timeout, const StreamTlsConfig& tls = {});

  int fd() const { return socket_.get(); }
  const std::string& protocol() const { return connection_.protocol(); }
  crix::streaming::WebSocketClientConnection& connection() { return connection_; }
  bool closed() const { return connection_.state() == crix::streaming::WebSocketClientConnection::State::Closed; }

  // Events from frames that arrived with the 101, then from the socket.
  std::vector<crix::streaming::WebSocketEvent> takePending();
  // Reads what the socket has now (call on POLLIN); on EOF or a read error
  // the connection's finish() events.
  std::vector<crix::streaming::WebSocketEvent> readAvailable();

  // Writes what the socket takes now of the connection's queued output.
  // Throws nothing: a write error marks the stream broken (see broken()).
  void flush();
  // Bytes queued but not yet written.
  size_t unsent() const { return unsent_.size() + connection_.outputSize(); }
  bool broken() const { return broken_; }
  // Ends the connection gracefully within `timeout`: writes the queued
  // output (our close or the echo of the server's), waits for the server's
  // close if ours is unanswered, half-closes, and reads until the server's
  // EOF, so that unread bytes do not turn our close into a reset that
  // loses the close frame. Events still arriving are dropped.
  void drain(std::chrono::milliseconds timeout);
 private:
  WebSocketStream(crix::UniqueFd socket, crix::streaming::WebSocketClientConnection connection);
  // read(2)/send(2) over TLS when there is TLS.
  ssize_t receive(char* buffer, size_t size);
  ssize_t transmit(const char* data, size_t size);

  crix::UniqueFd socket_;
  std::unique_ptr<TlsClient> tls_;
  crix::streaming::WebSocketClientConnection connection_;
  std::string unsent_;
  std::vector<crix::streaming::WebSocketEvent> pending_;
  bool broken_ = false;
};

}  // namespace crixctl

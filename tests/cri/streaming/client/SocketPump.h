// Drives a WebSocketClientConnection over a blocking loopback TCP socket
// for the interop tests: writes its output, feeds it what arrives, and
// stops when a condition holds or a time bound passes.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/UniqueFd.h"
#include "cri/streaming/websocket/WebSocketClientConnection.h"

namespace crix::streaming::test {

class SocketPump {
 public:
  SocketPump(int port, WebSocketClientConnection& client);

  // Pumps until `done()` or the server closes the socket or `timeout`.
  // Returns false on timeout. Events are collected in events().
  bool until(const std::function<bool()>& done, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Pumps until the server closes the TCP connection (EOF seen).
  bool untilEof(std::chrono::milliseconds timeout = std::chrono::seconds(10));

  std::vector<WebSocketEvent>& events() { return events_; }
  // The data messages received so far, concatenated.
  std::string messages() const;
  bool eof() const { return eof_; }
  // Closes our end of the TCP connection, as a client does once the close
  // handshake or the server's EOF ended the connection; ws's server reports
  // a connection closed only then.
  void closeSocket() { fd_.reset(); }

 private:
  void writeOutput();

  crix::UniqueFd fd_;
  WebSocketClientConnection& client_;
  std::vector<WebSocketEvent> events_;
  bool eof_ = false;
};

}  // namespace crix::streaming::test

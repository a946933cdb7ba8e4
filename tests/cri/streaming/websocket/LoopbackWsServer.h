// A tiny exec-style WebSocket server on 127.0.0.1 for the interop tests,
// built only from the sans-IO pieces the real server glue will use:
// HttpRequestParser -> acceptWebSocket -> WebSocketConnection + ChannelCodec.
// It serves connections one after another on its own thread:
//  - path /exec/<token>, remote command subprotocols as kubelet's; anything
//    else on the path gets 404, a refused handshake its refusal;
//  - after the 101: an empty stdout message (kubelet's "streams ready"
//    signal) and a ping "srv";
//  - stdin data is echoed on stdout; the v5 close signal for stdin makes it
//    write a Success metav1.Status on the error channel and close (1000);
//  - once the WebSocket is Closed it half-closes TCP and drains the peer
//    for a moment before closing, so a close frame written while the peer
//    is still sending is not lost to a reset.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cri/streaming/websocket/WebSocketConnection.h"
#include "tests/support/LoopbackSocket.h"

namespace crix::streaming::test {

// What the server saw, read after stop().
struct ServerLog {
  std::vector<std::string> protocols;  // negotiated, per accepted connection
  std::vector<int> refusals;           // HTTP status of each refused request
  std::string stdinBytes;              // all stdin data, in order
  size_t stdinMessages = 0;
  bool stdinClosed = false;            // v5 close signal for stdin seen
  std::vector<std::string> pings;      // pings from the client
  std::vector<std::string> pongs;      // pongs to our pings
  std::vector<uint16_t> closeCodes;    // Closed events: the client's code
  std::vector<std::string> closeReasons;
  std::vector<std::string> failures;   // Failed events and I/O errors
};

class LoopbackWsServer {
 public:
  explicit LoopbackWsServer(WebSocketLimits limits = {});
  ~LoopbackWsServer();
  LoopbackWsServer(const LoopbackWsServer&) = delete;
  LoopbackWsServer& operator=(const LoopbackWsServer&) = delete;

  int port() const { return listener_.port; }
  // Stops accepting, waits for the thread (it finishes the connection at
  // hand, bounded by a deadline) and returns the log.
  ServerLog stop();

 private:
  void run();
  void serve(int fd);

  WebSocketLimits limits_;
  crix::test::LoopbackListener listener_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  ServerLog log_;
  std::thread thread_;
};

}  // namespace crix::streaming::test

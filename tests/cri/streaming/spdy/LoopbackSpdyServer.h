// A tiny SPDY server for interop tests: one connection on a loopback port,
// served from a thread by SpdySession, acting on each stream by its
// `streamtype` header the way tests/cri/streaming/js/spdy-client.js expects:
//   stdin/stdout/error  exec-like: at stdin's FIN all of stdin goes back on
//                       stdout in one write, and the error stream carries a
//                       status
//   echo                everything comes back on the same stream, FIN too
//   data                echo, with the port-forward headers in the reply
//   reset-me            refused with RST_STREAM REFUSED_STREAM
// It also pings the client once. What it saw is in log(), one line each.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cri/streaming/spdy/SpdySession.h"
#include "tests/support/LoopbackSocket.h"

namespace crix::spdy::test {

class LoopbackSpdyServer {
 public:
  explicit LoopbackSpdyServer(const SessionOptions& options = {});
  // Stops the thread (bounded: it polls in short steps) and joins it.
  ~LoopbackSpdyServer();
  LoopbackSpdyServer(const LoopbackSpdyServer&) = delete;
  LoopbackSpdyServer& operator=(const LoopbackSpdyServer&) = delete;

  int port() const { return listener_.port; }
  // Waits up to a few seconds for the connection to end, then stops.
  void finish();
  std::vector<std::string> log() const;
  bool saw(const std::string& line) const;

 private:
  void run();
  void serve(int fd);
  void note(const std::string& line);

  SessionOptions options_;
  crix::test::LoopbackListener listener_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::string> log_;
  std::thread thread_;
};

}  // namespace crix::spdy::test

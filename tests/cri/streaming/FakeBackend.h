// A StreamingBackend for the server tests: no containers, just behaviour
// the tests can predict, plus a record of what the server handed it.
//
// exec and attach, whatever the command:
//   1. write "stdout:" + the command joined by spaces + "\n" on stdout, and
//      "stderr line\n" on stderr (when there are such streams);
//   2. with tty and cmd {"resize", N}: wait for N terminal sizes and write
//      "resize WxH\n" for each on stdout;
//   3. with stdin: copy stdin to stdout until EOF (or the client is gone);
//   4. cmd {"sleep"}: wait for clientGone (at most 20 s);
//   5. cmd {"exit", N} ends with exit code N, cmd {"fail", TEXT} with a
//      failure, anything else with 0.
// dialPort connects to 127.0.0.1:port and throws crix::Error when that fails.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming::test {

class FakeBackend : public StreamingBackend {
 public:
  RemoteCommandOutcome exec(const ExecRequest& request, RemoteCommandIo io) override;
  RemoteCommandOutcome attach(const AttachRequest& request, RemoteCommandIo io) override;
  UniqueFd dialPort(const std::string& podSandboxId, uint16_t port) override;

  // Waits (bounded) until `n` exec/attach calls have returned.
  bool waitForReturns(int n, std::chrono::milliseconds timeout);

  std::vector<TerminalSize> resizes() const;
  int clientGoneSeen() const { return clientGoneSeen_; }
  int returned() const { return returned_; }
  std::vector<std::string> dialed() const;
  // Each dial first waits this long, as a dial into a slow pod does.
  void setDialDelay(std::chrono::milliseconds delay) { dialDelay_ = delay; }
  int peakConcurrentDials() const { return peakDials_; }

 private:
  RemoteCommandOutcome run(const std::vector<std::string>& cmd, bool tty, RemoteCommandIo& io);

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<TerminalSize> resizes_;
  std::vector<std::string> dialed_;
  std::atomic<int> clientGoneSeen_{0};
  int returned_ = 0;
  std::chrono::milliseconds dialDelay_{0};
  int dialsNow_ = 0;
  std::atomic<int> peakDials_{0};
};

// A TCP echo server on 127.0.0.1 (a thread per connection; each echoes
// until EOF, then closes). Stops and joins everything when destroyed.
class EchoServer {
 public:
  EchoServer();
  ~EchoServer();
  int port() const { return port_; }
  int connectionsServed() const { return served_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int port_ = 0;
  std::atomic<int> served_{0};
};

}  // namespace crix::streaming::test

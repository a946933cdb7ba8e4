// A StreamServer on 127.0.0.1:0 with a FakeBackend, and the raw-socket and
// /proc helpers the tests share.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "cri/streaming/StreamServer.h"
#include "tests/cri/streaming/FakeBackend.h"
#include "tests/support/Eventually.h"

namespace crix::streaming::test {

struct ServerFixture {
  explicit ServerFixture(StreamServerOptions options = {});
  ~ServerFixture();

  FakeBackend backend;
  std::unique_ptr<StreamServer> server;

  // "ws://127.0.0.1:PORT/..." for an "http://" URL.
  static std::string wsUrl(const std::string& httpUrl);
  // The path of a URL ("/exec/TOKEN").
  static std::string pathOf(const std::string& url);
};

// Sends `request` on a fresh connection and returns everything the server
// wrote until it closed (bounded: 10 s).
std::string rawExchange(int port, const std::string& request);
int statusOf(const std::string& response);

// A connected loopback TCP socket to `port`.
UniqueFd connectLoopback(int port);

size_t openFdCount();
size_t threadCount();
using crix::test::eventually;

}  // namespace crix::streaming::test

// Connections that end badly and servers that stop: nothing may leak or hang.
#include <doctest/doctest.h>

#include <poll.h>
#include <sys/socket.h>

#include <thread>

#include "tests/cri/streaming/NodeClient.h"
#include "tests/cri/streaming/ServerFixture.h"

using namespace crix::streaming;
using namespace crix::streaming::test;
using crix::UniqueFd;

namespace {

std::string webSocketUpgrade(const std::string& path) {
  return "GET " + path +
         " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
         "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n";
}

// Reads until `needle` shows up (bounded).
bool readUntil(int fd, const std::string& needle, std::string& got) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (got.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    got.append(buffer, static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

TEST_CASE("a client that disconnects mid-stream: the backend sees clientGone, nothing leaks") {
  ServerFixture f;
  // Warm up: the first connection creates lazily allocated fds (none expected, but be fair).
  const size_t fdsBefore = openFdCount();
  const size_t threadsBefore = threadCount();
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"sleep"}, false, true, true, true});
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "disconnect"},
                                                      {"url", ServerFixture::wsUrl(url)},
                                                      {"protocols", {"v5.channel.k8s.io"}},
                                                      {"stdin", "x"}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("done")["stdout"].get<std::string>().starts_with("stdout:sleep\n"));
  REQUIRE(f.backend.waitForReturns(1, std::chrono::seconds(10)));
  CHECK(f.backend.clientGoneSeen() == 1);
  CHECK(eventually([&] { return f.server->activeConnections() == 0; }, std::chrono::seconds(5)));
  CHECK(eventually([&] { return openFdCount() == fdsBefore; }, std::chrono::seconds(5)));
  // The connection thread is joined by the accept loop within a second.
  CHECK(eventually([&] { return threadCount() == threadsBefore; }, std::chrono::seconds(5)));
}

TEST_CASE("stop() with a session open returns promptly and the backend sees clientGone") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"sleep"}, false, false, true, false});
  UniqueFd client = connectLoopback(f.server->port());
  const std::string request = webSocketUpgrade(ServerFixture::pathOf(url));
  REQUIRE(::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string got;
  REQUIRE(readUntil(client.get(), "stdout:sleep", got));
  CHECK(got.starts_with("HTTP/1.1 101"));
  const auto started = std::chrono::steady_clock::now();
  f.server->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK(f.backend.returned() == 1);
  CHECK(f.backend.clientGoneSeen() == 1);
}

TEST_CASE("stop() with a connection that never sent its head returns promptly") {
  ServerFixture f;
  UniqueFd client = connectLoopback(f.server->port());
  const std::string partial = "GET /exec/abc HTTP/1.1\r\n";
  ::send(client.get(), partial.data(), partial.size(), MSG_NOSIGNAL);
  CHECK(eventually([&] { return f.server->activeConnections() == 1; }, std::chrono::seconds(5)));
  const auto started = std::chrono::steady_clock::now();
  f.server->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("the idle timeout closes a silent session") {
  StreamServerOptions options;
  options.idleTimeout = std::chrono::milliseconds(300);
  ServerFixture f(options);
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"sleep"}, false, false, true, false});
  UniqueFd client = connectLoopback(f.server->port());
  const std::string request = webSocketUpgrade(ServerFixture::pathOf(url));
  REQUIRE(::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
  std::string got;
  REQUIRE(readUntil(client.get(), "stdout:sleep", got));
  REQUIRE(f.backend.waitForReturns(1, std::chrono::seconds(5)));
  CHECK(f.backend.clientGoneSeen() == 1);
}

TEST_CASE("more connections than maxConnections are answered 503") {
  StreamServerOptions options;
  options.maxConnections = 1;
  ServerFixture f(options);
  UniqueFd first = connectLoopback(f.server->port());
  REQUIRE(eventually([&] { return f.server->activeConnections() == 1; }, std::chrono::seconds(5)));
  CHECK(statusOf(rawExchange(f.server->port(), "GET /exec/x HTTP/1.1\r\n\r\n")) == 503);
}

TEST_CASE("hostile bytes after the upgrade end the session; the backend sees clientGone") {
  ServerFixture f;
  {
    // WebSocket: an unmasked client frame is a protocol error (1002).
    const std::string url = f.server->execUrl(ExecRequest{"c1", {"sleep"}, false, false, true, false});
    UniqueFd client = connectLoopback(f.server->port());
    const std::string request = webSocketUpgrade(ServerFixture::pathOf(url));
    REQUIRE(::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size()));
    std::string got;
    REQUIRE(readUntil(client.get(), "stdout:sleep", got));
    const std::string garbage("\x82\x05hello", 7);
    ::send(client.get(), garbage.data(), garbage.size(), MSG_NOSIGNAL);
    CHECK(f.backend.waitForReturns(1, std::chrono::seconds(5)));
    CHECK(f.backend.clientGoneSeen() == 1);
  }
  {
    // SPDY: a SYN_STREAM of version 2, which SPDY/3.1 has no business with;
    // the server answers GOAWAY and closes.
    const std::string url = f.server->execUrl(ExecRequest{"c1", {"sleep"}, false, false, true, false});
    UniqueFd client = connectLoopback(f.server->port());
    const std::string request = "GET " + ServerFixture::pathOf(url) +
                                " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
                                "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n" +
                                std::string("\x80\x02\x00\x01\x00\x00\x00\x0a\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 18);
    ::send(client.get(), request.data(), request.size(), MSG_NOSIGNAL);
    std::string got;
    CHECK(readUntil(client.get(), "HTTP/1.1 101", got));
    // The server closes the connection (recv sees EOF) instead of waiting 30 s for streams.
    const auto started = std::chrono::steady_clock::now();
    std::string rest;
    readUntil(client.get(), "never", rest);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
    CHECK(eventually([&] { return f.server->activeConnections() == 0; }, std::chrono::seconds(5)));
  }
}

// Routes and tokens: what the server answers before any upgrade happens.
#include <doctest/doctest.h>

#include <thread>

#include "core/Error.h"
#include "tests/cri/streaming/ServerFixture.h"

using namespace crix::streaming;
using namespace crix::streaming::test;

namespace {

std::string plainGet(const std::string& path) { return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n"; }

std::string spdyUpgrade(const std::string& path) {
  return "GET " + path +
         " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
         "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n";
}

}  // namespace

TEST_CASE("routing: a plain GET is 400, and it used the token up: then 404") {
  ServerFixture f;
  const std::string path = ServerFixture::pathOf(f.server->execUrl(ExecRequest{"c1", {"ls"}, false, false, true}));
  const std::string first = rawExchange(f.server->port(), plainGet(path));
  CHECK(statusOf(first) == 400);
  CHECK(first.find("unable to upgrade") != std::string::npos);
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade(path))) == 404);
}

TEST_CASE("routing: unknown paths, unknown tokens and tokens of another kind are 404") {
  ServerFixture f;
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade("/nothing/here"))) == 404);
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade("/exec/"))) == 404);
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade("/exec/unknowntoken"))) == 404);
  const std::string attach = f.server->attachUrl(AttachRequest{"c1", false, false, true});
  const std::string token = attach.substr(attach.rfind('/') + 1);
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade("/exec/" + token))) == 404);
  // Consumed by the wrong route: gone for the right one as well.
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade("/attach/" + token))) == 404);
}

TEST_CASE("routing: an expired token is 404") {
  StreamServerOptions options;
  options.requestTtl = std::chrono::milliseconds(100);
  ServerFixture f(options);
  const std::string path = ServerFixture::pathOf(f.server->execUrl(ExecRequest{"c1", {"ls"}, false, false, true}));
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  CHECK(statusOf(rawExchange(f.server->port(), spdyUpgrade(path))) == 404);
}

TEST_CASE("routing: a malformed request head is refused with the parser's status") {
  ServerFixture f;
  CHECK(statusOf(rawExchange(f.server->port(), "GARBAGE\r\n\r\n")) == 400);
  CHECK(statusOf(rawExchange(f.server->port(), "GET /exec/x HTTP/2.0\r\n\r\n")) == 505);
}

TEST_CASE("routing: SPDY without X-Stream-Protocol-Version is refused as kubelet does") {
  ServerFixture f;
  const std::string path = ServerFixture::pathOf(f.server->execUrl(ExecRequest{"c1", {"ls"}, false, false, true}));
  const std::string response = rawExchange(
      f.server->port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n");
  CHECK(statusOf(response) == 400);
}

TEST_CASE("URLs: base URL, IPv6 brackets, fresh tokens") {
  ServerFixture f;
  const std::string a = f.server->execUrl(ExecRequest{});
  const std::string b = f.server->execUrl(ExecRequest{});
  CHECK(a.starts_with("http://127.0.0.1:" + std::to_string(f.server->port()) + "/exec/"));
  CHECK(a != b);
  CHECK(f.server->portForwardUrl(PortForwardRequest{"p", {80}}).find("/portforward/") != std::string::npos);

  FakeBackend backend;
  StreamServerOptions v6;
  v6.address = "::1";
  StreamServer server(v6, backend);
  try {
    server.start();
  } catch (const crix::Error& e) {
    // A host without IPv6 loopback: the URL form is all this checks.
    MESSAGE("no IPv6 loopback here: " << e.what());
    return;
  }
  CHECK(server.attachUrl(AttachRequest{}).starts_with("http://[::1]:" + std::to_string(server.port()) + "/attach/"));
  server.stop();
}

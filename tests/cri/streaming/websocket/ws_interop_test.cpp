// Our server pieces against npm's `ws` client over loopback TCP.
#include <doctest/doctest.h>

#include "tests/cri/streaming/websocket/LoopbackWsServer.h"
#include "tests/cri/streaming/websocket/NodeWsClient.h"

using namespace crix::streaming::test;

namespace {

void checkNoFailures(const ServerLog& log) {
  for (const auto& failure : log.failures) FAIL_CHECK("server: " << failure);
}

}  // namespace

TEST_CASE("ws interop: v5 exec echoes 1 MiB, fragments and pings, then the server closes") {
  LoopbackWsServer server;
  const NodeRun run = runWsClient("exec", server.port());
  const ServerLog log = server.stop();
  checkNoFailures(log);

  CHECK(run.event("open")["protocol"] == "v5.channel.k8s.io");
  CHECK(run.event("open")["extensions"] == "");  // permessage-deflate offered, not taken
  CHECK(run.has("ready"));
  CHECK(run.event("ping")["data"] == "srv");
  CHECK(run.event("pong")["data"] == "cli");
  const auto stdout = run.event("stdout");
  CHECK(stdout["sentBytes"] == 1024 * 1024 + 6 + 11);
  CHECK(stdout["receivedBytes"] == stdout["sentBytes"]);
  CHECK(stdout["matches"] == true);
  CHECK(stdout["messages"] == 3);
  CHECK(run.event("error-channel")["status"]["status"] == "Success");
  CHECK(run.event("close")["code"] == 1000);
  CHECK(run.event("close")["reason"] == "exec finished");
  CHECK_FALSE(run.has("bad-message"));

  CHECK(log.protocols == std::vector<std::string>{"v5.channel.k8s.io"});
  CHECK(log.stdinMessages == 3);
  CHECK(log.stdinBytes.size() == 1024 * 1024 + 6 + 11);
  CHECK(log.stdinBytes.substr(log.stdinBytes.size() - 11) == "fragmented\n");
  CHECK(log.stdinClosed);
  CHECK(log.pings == std::vector<std::string>{"cli"});
  CHECK(log.pongs == std::vector<std::string>{"srv"});
  // ws answered our close with its own: the handshake completed.
  CHECK(log.closeCodes == std::vector<uint16_t>{1000});
}

TEST_CASE("ws interop: an unsupported subprotocol is refused with 403") {
  LoopbackWsServer server;
  const NodeRun run = runWsClient("refused", server.port());
  const ServerLog log = server.stop();
  checkNoFailures(log);
  CHECK(run.event("refused")["status"] == 403);
  CHECK_FALSE(run.has("open"));
  CHECK(log.refusals == std::vector<int>{403});
  CHECK(log.protocols.empty());
}

TEST_CASE("ws interop: the client closes, the server echoes") {
  LoopbackWsServer server;
  const NodeRun run = runWsClient("client-close", server.port());
  const ServerLog log = server.stop();
  checkNoFailures(log);
  CHECK(run.event("open")["protocol"] == "v4.channel.k8s.io");
  CHECK(run.event("stdout")["matches"] == true);
  CHECK(run.event("stdout")["receivedBytes"] == 1);
  CHECK(run.event("close")["code"] == 1000);
  CHECK(log.closeCodes == std::vector<uint16_t>{1000});
  CHECK(log.closeReasons == std::vector<std::string>{"client done"});
  CHECK(log.stdinBytes == "x");
}

TEST_CASE("ws interop: v4.base64.channel.k8s.io uses text frames and base64") {
  LoopbackWsServer server;
  const NodeRun run = runWsClient("base64", server.port());
  const ServerLog log = server.stop();
  checkNoFailures(log);
  CHECK(run.event("open")["protocol"] == "v4.base64.channel.k8s.io");
  nlohmann::json echo;
  for (const auto& line : run.lines)
    if (line.value("event", "") == "message" && line.value("decoded", "") == "hi there") echo = line;
  REQUIRE_FALSE(echo.is_null());
  CHECK(echo["binary"] == false);
  CHECK(echo["channel"] == 1);
  CHECK(echo["raw"] == "1aGkgdGhlcmU=");
  CHECK(log.stdinBytes == "hi there");
  CHECK(log.closeCodes == std::vector<uint16_t>{1000});
}

TEST_CASE("ws interop: no subprotocol offered is served as channel.k8s.io") {
  LoopbackWsServer server;
  const NodeRun run = runWsClient("no-protocol", server.port());
  const ServerLog log = server.stop();
  checkNoFailures(log);
  CHECK(run.event("open")["protocol"] == "");
  CHECK(run.event("stdout")["matches"] == true);
  CHECK(log.protocols == std::vector<std::string>{""});
  CHECK(log.closeCodes == std::vector<uint16_t>{1000});
}

TEST_CASE("ws interop: a message over the server's limit fails the connection with 1009") {
  crix::streaming::WebSocketLimits limits;
  limits.maxMessageBytes = 1024 * 1024;
  LoopbackWsServer server(limits);
  const NodeRun run = runWsClient("too-big", server.port());
  const ServerLog log = server.stop();
  CHECK(run.event("open")["protocol"] == "v5.channel.k8s.io");
  CHECK(run.event("close")["code"] == 1009);
  CHECK(run.event("stdout")["receivedBytes"] == 0);
  REQUIRE(log.failures.size() == 1);
  CHECK(log.failures[0].rfind("websocket 1009: ", 0) == 0);
  CHECK(log.stdinMessages == 0);
}

// Exec and port-forward over SPDY/3.1, driven by npm's spdy-transport after
// a hand-made HTTP/1.1 upgrade (tests/cri/streaming/js/server-spdy.js).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cri/streaming/NodeClient.h"
#include "tests/cri/streaming/ServerFixture.h"
#include "tests/support/LoopbackSocket.h"

using namespace crix::streaming;
using namespace crix::streaming::test;
using nlohmann::json;

TEST_CASE("spdy v4: exec stdout, stderr, stdin echo and exit code 3") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"exit", "3"}, false, true, true, true});
  const NodeRun run = runNodeClient("server-spdy.js", {{"mode", "exec"},
                                                        {"url", url},
                                                        {"protocol", "v4.channel.k8s.io"},
                                                        {"streams", {"error", "stdin", "stdout", "stderr"}},
                                                        {"stdin", "over spdy\n"}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("upgrade")["status"] == 101);
  CHECK(run.event("upgrade")["negotiated"] == "v4.channel.k8s.io");
  const json done = run.event("done");
  CHECK(done["stdout"] == "stdout:exit 3\nover spdy\n");
  CHECK(done["stderr"] == "stderr line\n");
  const json status = json::parse(done["error"].get<std::string>());
  CHECK(status["reason"] == "NonZeroExitCode");
  CHECK(status["details"]["causes"][0]["message"] == "3");
}

TEST_CASE("spdy v4: exit 0 without stdin is Success") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"true"}, false, false, true, true});
  const NodeRun run = runNodeClient("server-spdy.js", {{"mode", "exec"},
                                                        {"url", url},
                                                        {"protocol", "v4.channel.k8s.io"},
                                                        {"streams", {"error", "stdout", "stderr"}}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["stdout"] == "stdout:true\n");
  CHECK(json::parse(done["error"].get<std::string>())["status"] == "Success");
}

TEST_CASE("spdy v3 and v2: the error stream carries only a failure's text") {
  ServerFixture f;
  for (const char* protocol : {"v3.channel.k8s.io", "v2.channel.k8s.io"}) {
    CAPTURE(protocol);
    const std::string url = f.server->execUrl(ExecRequest{"c1", {"exit", "2"}, false, false, true, false});
    const NodeRun run = runNodeClient(
        "server-spdy.js",
        {{"mode", "exec"}, {"url", url}, {"protocol", protocol}, {"streams", {"error", "stdout"}}});
    INFO(run.transcript());
    REQUIRE(run.process.exitCode == 0);
    CHECK(run.event("done")["error"] == "command terminated with non-zero exit code: exit status 2");
  }
}

TEST_CASE("spdy: port-forward with two concurrent pairs to the echo server") {
  ServerFixture f;
  EchoServer echo;
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod7", {}});
  const NodeRun run = runNodeClient(
      "server-spdy.js",
      {{"mode", "portforward"}, {"url", url}, {"port", echo.port()}, {"pairs", 2}, {"payload", "pair payload "}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("upgrade")["negotiated"] == "portforward.k8s.io");
  const json pairs = run.event("done")["pairs"];
  REQUIRE(pairs.size() == 2);
  for (int i = 0; i < 2; ++i) {
    CHECK(pairs[i]["echoed"] == "pair payload " + std::to_string(i));
    CHECK(pairs[i]["error"] == "");
  }
  CHECK(echo.connectionsServed() == 2);
}

TEST_CASE("spdy: port-forward dial failure goes to the error stream") {
  ServerFixture f;
  const int port = crix::test::freeLoopbackPort();
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod7", {}});
  const NodeRun run =
      runNodeClient("server-spdy.js", {{"mode", "portforward-fail"}, {"url", url}, {"port", port}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const std::string error = run.event("done")["error"];
  CHECK(error.starts_with("error forwarding port " + std::to_string(port) + " to pod pod7, uid : "));
  CHECK(error.find("Connection refused") != std::string::npos);
}

TEST_CASE("spdy v4: 4 MiB of stdin come back on stdout under spdy-transport's flow control") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"cat"}, false, true, true, false});
  const NodeRun run = runNodeClient("server-spdy.js", {{"mode", "exec"},
                                                        {"url", url},
                                                        {"protocol", "v4.channel.k8s.io"},
                                                        {"streams", {"error", "stdin", "stdout"}},
                                                        {"stdinRandom", 4 << 20}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["stdoutBytes"] == 4 << 20);
  CHECK(done["stdoutSha"] == done["stdinSha"]);
  CHECK(json::parse(done["error"].get<std::string>())["status"] == "Success");
}

TEST_CASE("spdy v4: tty resizes split across and joined within data frames reach the backend") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"resize", "3"}, true, false, true, false});
  const NodeRun run = runNodeClient(
      "server-spdy.js",
      {{"mode", "exec"},
       {"url", url},
       {"protocol", "v4.channel.k8s.io"},
       {"streams", {"error", "stdout", "resize"}},
       {"resizeChunks", {R"({"Width":80,"Hei)", R"(ght":24}{"Width":100,"Height":30})", R"( {"Width":7,"Height":9})"}}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("done")["stdout"] == "stdout:resize 3\nresize 80x24\nresize 100x30\nresize 7x9\n");
  CHECK(f.backend.resizes() == std::vector<TerminalSize>{{80, 24}, {100, 30}, {7, 9}});
}

TEST_CASE("spdy v1 (channel.k8s.io): the error stream is reset once the streams are there, as 1.0 kubelets did") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"exit", "4"}, false, false, true, false});
  const NodeRun run = runNodeClient(
      "server-spdy.js",
      {{"mode", "exec"}, {"url", url}, {"protocol", "channel.k8s.io"}, {"streams", {"error", "stdout"}}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("done")["stdout"] == "stdout:exit 4\n");
  CHECK(run.event("done")["error"] == "");
}

TEST_CASE("spdy: port-forward pairs opened one after the other on one connection") {
  ServerFixture f;
  EchoServer echo;
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod7", {}});
  const NodeRun run = runNodeClient("server-spdy.js", {{"mode", "portforward"},
                                                        {"url", url},
                                                        {"port", echo.port()},
                                                        {"pairs", 3},
                                                        {"sequential", true},
                                                        {"payload", "one by one "}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json pairs = run.event("done")["pairs"];
  REQUIRE(pairs.size() == 3);
  for (int i = 0; i < 3; ++i) CHECK(pairs[i]["echoed"] == "one by one " + std::to_string(i));
  CHECK(echo.connectionsServed() == 3);
}

TEST_CASE("spdy: 24 port-forward pairs into a slow pod are dialed at most 8 at a time, and all get through") {
  ServerFixture f;
  f.backend.setDialDelay(std::chrono::milliseconds(300));
  EchoServer echo;
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod7", {}});
  const NodeRun run = runNodeClient(
      "server-spdy.js",
      {{"mode", "portforward"}, {"url", url}, {"port", echo.port()}, {"pairs", 24}, {"payload", "slow pod "}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json pairs = run.event("done")["pairs"];
  REQUIRE(pairs.size() == 24);
  for (int i = 0; i < 24; ++i) {
    CHECK(pairs[i]["echoed"] == "slow pod " + std::to_string(i));
    CHECK(pairs[i]["error"] == "");
  }
  CHECK(echo.connectionsServed() == 24);
  CHECK(f.backend.peakConcurrentDials() <= 8);
  // The bound is a bound, not a queue of one.
  CHECK(f.backend.peakConcurrentDials() >= 2);
}

// Exec, attach and port-forward over WebSocket, driven by npm's `ws`
// (tests/cri/streaming/js/server-ws.js).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "tests/cri/streaming/NodeClient.h"
#include "tests/cri/streaming/ServerFixture.h"
#include "tests/support/LoopbackSocket.h"

using namespace crix::streaming;
using namespace crix::streaming::test;
using nlohmann::json;

namespace {

json status(const NodeRun& run) {
  const json done = run.event("done");
  return json::parse(done.value("error", "{}"));
}

}  // namespace

TEST_CASE("ws v5: exec echoes stdin, the close signal ends it, Success status") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"cat"}, false, true, true, true});
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "exec"},
                                                      {"url", ServerFixture::wsUrl(url)},
                                                      {"protocols", {"v5.channel.k8s.io", "v4.channel.k8s.io"}},
                                                      {"stdin", "hello from ws\n"},
                                                      {"closeStdin", true}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["protocol"] == "v5.channel.k8s.io");
  // kubelet's "ready" message: empty, on stdout.
  CHECK(done["first"]["channel"] == 1);
  CHECK(done["first"]["length"] == 0);
  CHECK(done["stdout"] == "stdout:cat\nhello from ws\n");
  CHECK(done["stderr"] == "stderr line\n");
  CHECK(status(run)["status"] == "Success");
  CHECK(done["closeCode"] == 1000);
}

TEST_CASE("ws v4: exit code 3 arrives as a NonZeroExitCode Status") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"exit", "3"}, false, false, true, true});
  const NodeRun run = runNodeClient(
      "server-ws.js", {{"mode", "exec"}, {"url", ServerFixture::wsUrl(url)}, {"protocols", {"v4.channel.k8s.io"}}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["protocol"] == "v4.channel.k8s.io");
  CHECK(done["stdout"] == "stdout:exit 3\n");
  CHECK(done["stderr"] == "stderr line\n");
  const json s = status(run);
  CHECK(s["status"] == "Failure");
  CHECK(s["reason"] == "NonZeroExitCode");
  CHECK(s["details"]["causes"][0]["reason"] == "ExitCode");
  CHECK(s["details"]["causes"][0]["message"] == "3");
}

TEST_CASE("ws v4: exit 0 is a Success Status; channel.k8s.io sends only failures") {
  ServerFixture f;
  {
    const std::string url = f.server->execUrl(ExecRequest{"c1", {"true"}, false, false, true, false});
    const NodeRun run = runNodeClient(
        "server-ws.js", {{"mode", "exec"}, {"url", ServerFixture::wsUrl(url)}, {"protocols", {"v4.channel.k8s.io"}}});
    INFO(run.transcript());
    REQUIRE(run.process.exitCode == 0);
    CHECK(status(run)["status"] == "Success");
    CHECK(run.event("done")["stderr"] == "");
  }
  {
    const std::string url = f.server->execUrl(ExecRequest{"c1", {"fail", "no such process"}, false, false, true});
    const NodeRun run = runNodeClient(
        "server-ws.js", {{"mode", "exec"}, {"url", ServerFixture::wsUrl(url)}, {"protocols", {"channel.k8s.io"}}});
    INFO(run.transcript());
    REQUIRE(run.process.exitCode == 0);
    CHECK(run.event("done")["error"] ==
          "Internal error occurred: error executing command in container: no such process");
  }
}

TEST_CASE("ws: attach with tty delivers resize messages to the backend") {
  ServerFixture f;
  // The fake attach ignores the command; exec runs "resize 2" for us.
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"resize", "2"}, true, false, true, false});
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "exec"},
                                                      {"url", ServerFixture::wsUrl(url)},
                                                      {"protocols", {"v5.channel.k8s.io"}},
                                                      {"resizes", {{80, 24}, {132, 50}}}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("done")["stdout"] == "stdout:resize 2\nresize 80x24\nresize 132x50\n");
  const auto sizes = f.backend.resizes();
  REQUIRE(sizes.size() == 2);
  CHECK(sizes[1] == TerminalSize{132, 50});
}

TEST_CASE("ws: attach echoes stdin like exec") {
  ServerFixture f;
  const std::string url = f.server->attachUrl(AttachRequest{"c9", false, true, true, false});
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "exec"},
                                                      {"url", ServerFixture::wsUrl(url)},
                                                      {"protocols", {"v5.channel.k8s.io"}},
                                                      {"stdin", "typed"},
                                                      {"closeStdin", true}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  CHECK(run.event("done")["stdout"] == "stdout:attach c9\ntyped");
  CHECK(status(run)["status"] == "Success");
}

TEST_CASE("ws: port-forward (v4.channel.k8s.io, ?port=) reaches the echo server") {
  ServerFixture f;
  EchoServer echo;
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod1", {}});
  const NodeRun run =
      runNodeClient("server-ws.js", {{"mode", "portforward"},
                                     {"url", ServerFixture::wsUrl(url) + "?port=" + std::to_string(echo.port())},
                                     {"protocols", {"v4.channel.k8s.io"}},
                                     {"payload", "port-forwarded bytes"}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["protocol"] == "v4.channel.k8s.io");
  CHECK(done["prefixes"]["0"] == echo.port());
  CHECK(done["prefixes"]["1"] == echo.port());
  CHECK(done["echoed"] == "port-forwarded bytes");
  CHECK(done["error"] == "");
  CHECK(f.backend.dialed() == std::vector<std::string>{"pod1:" + std::to_string(echo.port())});
}

TEST_CASE("ws: port-forward to a port nobody listens on reports the error") {
  ServerFixture f;
  const int port = crix::test::freeLoopbackPort();
  const std::string url = f.server->portForwardUrl(PortForwardRequest{"pod1", {}});
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "portforward"},
                                                      {"url", ServerFixture::wsUrl(url) + "?port=" + std::to_string(port)},
                                                      {"protocols", {"v4.channel.k8s.io"}},
                                                      {"payload", "x"},
                                                      {"dialFails", true}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const std::string error = run.event("done")["error"];
  CHECK(error.starts_with("error forwarding port " + std::to_string(port) + " to pod pod1"));
  CHECK(error.find("Connection refused") != std::string::npos);
  CHECK(run.event("done")["closeCode"] == 1000);
}

TEST_CASE("ws: a subprotocol kubelet lacks is refused with 403") {
  ServerFixture f;
  const std::string url = f.server->execUrl(ExecRequest{"c1", {"ls"}, false, false, true});
  const NodeRun run = runNodeClient(
      "server-ws.js", {{"mode", "status"}, {"url", ServerFixture::wsUrl(url)}, {"protocols", {"v3.channel.k8s.io"}}});
  INFO(run.transcript());
  CHECK(run.event("done")["httpStatus"] == 403);
}

// SpdySession against an implementation that is not ours: npm's
// spdy-transport (client mode, SPDY/3.1) in node, over loopback TCP. These
// tests fail, never skip, when node or the npm packages are missing: CI
// installs them (cd tests/cri/streaming/js && npm ci).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "tests/cri/streaming/spdy/LoopbackSpdyServer.h"
#include "tests/support/Subprocess.h"

using namespace crix::spdy;
using namespace crix::spdy::test;
using nlohmann::json;

namespace {

std::string jsDir() {
  const char* root = std::getenv("CRIX_SOURCE_ROOT");
  return std::string(root && *root ? root : CRIX_SOURCE_ROOT) + "/tests/cri/streaming/js";
}

std::string nodeBinary() {
  for (const char* candidate : {"/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"})
    if (std::filesystem::exists(candidate)) return candidate;
  return "";
}

struct ClientRun {
  std::vector<json> lines;
  std::string transcript;  // everything, for failure messages
  bool ok = false;
};

// Runs spdy-client.js against `server` (bounded) and parses its JSON lines.
ClientRun runClient(LoopbackSpdyServer& server, const std::string& scenario) {
  const std::string node = nodeBinary();
  const std::string script = jsDir() + "/spdy-client.js";
  REQUIRE_MESSAGE(!node.empty(), "node is not installed (apt-get install nodejs); the SPDY interop tests need it");
  REQUIRE_MESSAGE(std::filesystem::exists(jsDir() + "/node_modules/spdy-transport"),
                  "npm packages missing: run `npm ci` in " << jsDir());
  const auto result = crix::test::runProcess({node, script, std::to_string(server.port()), scenario},
                                             std::chrono::seconds(60));
  server.finish();
  ClientRun run;
  std::istringstream out(result.out);
  for (std::string line; std::getline(out, line);) {
    if (line.empty()) continue;
    try {
      run.lines.push_back(json::parse(line));
    } catch (const json::exception&) {
      run.lines.push_back(json{{"event", "unparsed"}, {"text", line}});
    }
  }
  std::ostringstream transcript;
  transcript << "node exit " << result.exitCode << (result.timedOut ? " (timed out)" : "") << "\nstdout:\n"
             << result.out << "stderr:\n" << result.err << "server log:\n";
  for (const auto& l : server.log()) transcript << "  " << l << "\n";
  run.transcript = transcript.str();
  run.ok = result.exitCode == 0 && !run.lines.empty() && run.lines.back().value("event", "") == "done";
  return run;
}

std::vector<json> linesOf(const ClientRun& run, const std::string& event) {
  std::vector<json> out;
  for (const auto& l : run.lines)
    if (l.value("event", "") == event) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("spdy-transport: an exec-like session moves 1 MiB each way under flow control") {
  LoopbackSpdyServer server;
  const ClientRun run = runClient(server, "exec");
  INFO(run.transcript);
  REQUIRE(run.ok);
  CHECK(linesOf(run, "reply").size() == 3);
  for (const auto& reply : linesOf(run, "reply")) CHECK(reply["status"] == 200);
  REQUIRE(linesOf(run, "stdout").size() == 1);
  CHECK(linesOf(run, "stdout")[0]["bytes"] == 1 << 20);
  CHECK(linesOf(run, "stdout")[0]["match"] == true);
  CHECK(linesOf(run, "error").at(0)["text"] == R"({"metadata":{},"status":"Success"})");
  // The client showed it does flow control, so its 64 KiB windows held our
  // data back until its WINDOW_UPDATEs came; and its megabyte got through
  // our 64 KiB windows, so ours went out too.
  CHECK(server.saw("windows-enforced yes"));
  CHECK_FALSE(server.saw("max-queued 0"));
  CHECK_FALSE(server.saw("drained 0"));
  CHECK(server.saw("goaway"));
}

TEST_CASE("spdy-transport: concurrent streams share the session") {
  LoopbackSpdyServer server;
  const ClientRun run = runClient(server, "concurrent");
  INFO(run.transcript);
  REQUIRE(run.ok);
  const auto echoes = linesOf(run, "echo");
  REQUIRE(echoes.size() == 8);
  for (const auto& e : echoes) {
    CHECK(e["bytes"] == 256 * 1024);
    CHECK(e["match"] == true);
  }
}

TEST_CASE("spdy-transport: header compression across 100 streams both ways") {
  LoopbackSpdyServer server;
  const ClientRun run = runClient(server, "many");
  INFO(run.transcript);
  REQUIRE(run.ok);
  const auto many = linesOf(run, "many").at(0);
  CHECK(many["streams"] == 100);
  CHECK(many["headersOk"] == 100);
  CHECK(many["dataOk"] == 100);
  CHECK(server.saw("opened 199 data"));
}

TEST_CASE("spdy-transport: pings both ways") {
  LoopbackSpdyServer server;
  const ClientRun run = runClient(server, "ping");
  INFO(run.transcript);
  REQUIRE(run.ok);
  CHECK(linesOf(run, "pong").size() == 3);
  CHECK(linesOf(run, "server-ping").size() == 1);
  CHECK(linesOf(run, "echo").at(0)["match"] == true);
  CHECK(server.saw("ping-answered"));
}

TEST_CASE("spdy-transport: RST_STREAM both ways") {
  LoopbackSpdyServer server;
  const ClientRun run = runClient(server, "reset");
  INFO(run.transcript);
  REQUIRE(run.ok);
  CHECK(linesOf(run, "refused").at(0)["message"] == "Got RST: REFUSED_STREAM");
  CHECK(linesOf(run, "echo").at(0)["match"] == true);
  CHECK(server.saw("reset 3 CANCEL by-peer"));
}

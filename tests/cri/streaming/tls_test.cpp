// HTTPS/WSS: the same protocols inside TLS, with a throwaway CA.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "tests/cri/streaming/NodeClient.h"
#include "tests/cri/streaming/ServerFixture.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestCertificates.h"

using namespace crix::streaming;
using namespace crix::streaming::test;
using nlohmann::json;

namespace {

struct TlsFixture {
  crix::test::TempDir dir{"crix-stream-tls"};
  crix::test::Certificates certs = crix::test::makeCertificates(dir.path());
  std::unique_ptr<ServerFixture> f;

  TlsFixture() {
    StreamServerOptions options;
    options.tlsCertFile = certs.serverCert;
    options.tlsKeyFile = certs.serverKey;
    f = std::make_unique<ServerFixture>(options);
  }
};

}  // namespace

TEST_CASE("tls: wss exec with ws, https URLs") {
  TlsFixture t;
  const std::string url = t.f->server->execUrl(ExecRequest{"c1", {"exit", "3"}, false, false, true, true});
  REQUIRE(url.starts_with("https://127.0.0.1:"));
  const NodeRun run = runNodeClient("server-ws.js", {{"mode", "exec"},
                                                      {"url", ServerFixture::wsUrl(url)},
                                                      {"protocols", {"v4.channel.k8s.io"}},
                                                      {"ca", t.certs.caCert.string()}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["stdout"] == "stdout:exit 3\n");
  CHECK(done["stderr"] == "stderr line\n");
  CHECK(json::parse(done["error"].get<std::string>())["reason"] == "NonZeroExitCode");
}

TEST_CASE("tls: SPDY exec through TLS moves 1 MiB") {
  TlsFixture t;
  const std::string url = t.f->server->execUrl(ExecRequest{"c1", {"cat"}, false, true, true, false});
  const NodeRun run = runNodeClient("server-spdy.js", {{"mode", "exec"},
                                                        {"url", url},
                                                        {"ca", t.certs.caCert.string()},
                                                        {"protocol", "v4.channel.k8s.io"},
                                                        {"streams", {"error", "stdin", "stdout"}},
                                                        {"stdinRandom", 1 << 20}});
  INFO(run.transcript());
  REQUIRE(run.process.exitCode == 0);
  const json done = run.event("done");
  CHECK(done["stdoutBytes"] == 1 << 20);
  CHECK(done["stdoutSha"] == done["stdinSha"]);
}

TEST_CASE("tls: a plain HTTP client gets no answer but a close, and the server goes on") {
  TlsFixture t;
  const std::string response = rawExchange(t.f->server->port(), "GET /exec/x HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(response.find("HTTP/1.1") == std::string::npos);
  CHECK(eventually([&] { return t.f->server->activeConnections() == 0; }, std::chrono::seconds(5)));
}

TEST_CASE("tls: missing or mismatched files make start() fail with InvalidArgument") {
  crix::test::TempDir dir{"crix-stream-tls"};
  const auto certs = crix::test::makeCertificates(dir.path());
  FakeBackend backend;
  for (const auto& [cert, key] : {std::pair{dir / "missing.crt", certs.serverKey.string()},
                                  std::pair{certs.serverCert.string(), certs.clientKey.string()}}) {
    StreamServerOptions options;
    options.tlsCertFile = cert;
    options.tlsKeyFile = key;
    StreamServer server(options, backend);
    try {
      server.start();
      FAIL("start() accepted " << cert << " / " << key);
    } catch (const crix::Error& e) {
      CHECK(e.code() == crix::StatusCode::InvalidArgument);
    }
  }
}

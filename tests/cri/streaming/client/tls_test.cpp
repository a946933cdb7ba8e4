// crixctl's streaming client over TLS (https stream URLs) against npm's `ws`
// on node's https server, with certificates from a throwaway CA: checked
// against --tls-ca, with a client certificate, insecure without a CA, and
// refused when the CA or the name does not match.
#include <doctest/doctest.h>
#include <fcntl.h>

#include <string>

#include "contrib/crixctl/RemoteCommandSession.h"
#include "core/Error.h"
#include "core/UniqueFd.h"
#include "tests/cri/streaming/client/NodeWsServer.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestCertificates.h"

using namespace crix::streaming::test;
using crixctl::RemoteCommandOutcome;
using crixctl::StreamTlsConfig;
using crixctl::StreamUrl;

namespace {

constexpr auto kConnectTimeout = std::chrono::milliseconds(5000);

struct Files {
  crix::test::TempDir dir{"crix-tls-relay"};
  crix::UniqueFd in, out, err;
  explicit Files(const std::string& input) {
    in.reset(::open(dir.write("stdin", input).c_str(), O_RDONLY | O_CLOEXEC));
    out.reset(::open((dir / "stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    err.reset(::open((dir / "stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    REQUIRE((in && out && err));
  }
  crixctl::RemoteCommandStreams streams() const { return {in.get(), out.get(), err.get(), -1}; }
  std::string stdout() const { return crix::test::readFile(dir / "stdout"); }
};

StreamUrl httpsUrl(const NodeWsServer& server) {
  return {"127.0.0.1", static_cast<uint16_t>(server.port()), true, "/exec/TOKEN"};
}

}  // namespace

TEST_CASE("crixctl relay over TLS: verified against the CA, with a client certificate") {
  crix::test::TempDir certDir("crix-tls-certs");
  const auto certs = crix::test::makeCertificates(certDir.path());
  NodeWsServer server("exec-v5", 1, {certs.serverCert, certs.serverKey, certs.caCert});
  Files files("over tls\n" + std::string(100000, 'x'));
  const StreamTlsConfig tls{certs.caCert, certs.clientCert, certs.clientKey, ""};
  const RemoteCommandOutcome outcome = crixctl::runRemoteCommand(httpsUrl(server), files.streams(), kConnectTimeout, tls);
  CHECK(outcome.exitCode == 0);
  CHECK(outcome.failure.empty());
  CHECK(files.stdout() == "over tls\n" + std::string(100000, 'x'));
  const auto lines = server.finish();
  CHECK(eventOf(lines, "open")["tls"] == true);
  CHECK_FALSE(eventOf(lines, "open")["clientCertificate"].is_null());
  CHECK(eventOf(lines, "close")["code"] == 1000);
}

TEST_CASE("crixctl relay over TLS: without a CA the server is not checked (crictl's default)") {
  crix::test::TempDir certDir("crix-tls-certs");
  const auto certs = crix::test::makeCertificates(certDir.path());
  NodeWsServer server("exec-v4", 1, {certs.serverCert, certs.serverKey});
  Files files("exit 4\n");
  const RemoteCommandOutcome outcome = crixctl::runRemoteCommand(httpsUrl(server), files.streams(), kConnectTimeout);
  CHECK(outcome.exitCode == 4);
  server.finish();
}

TEST_CASE("crixctl relay over TLS: another CA or another name is refused") {
  crix::test::TempDir certDir("crix-tls-certs"), otherDir("crix-tls-other");
  const auto certs = crix::test::makeCertificates(certDir.path());
  const auto other = crix::test::makeCertificates(otherDir.path());
  NodeWsServer server("exec-v5", 2, {certs.serverCert, certs.serverKey});
  Files files("");

  const crix::Error wrongCa = crix::test::errorOf([&] {
    crixctl::runRemoteCommand(httpsUrl(server), files.streams(), kConnectTimeout, {other.caCert, "", "", ""});
  });
  CHECK(wrongCa.code() == crix::StatusCode::Unavailable);
  CHECK(std::string(wrongCa.what()).find("certificate verify failed") != std::string::npos);

  const crix::Error wrongName = crix::test::errorOf([&] {
    crixctl::runRemoteCommand(httpsUrl(server), files.streams(), kConnectTimeout,
                              {certs.caCert, "", "", "streaming.example"});
  });
  CHECK(wrongName.code() == crix::StatusCode::Unavailable);
  CHECK(std::string(wrongName.what()).find("certificate verify failed") != std::string::npos);

  CHECK(crix::test::codeOf([&] {
          crixctl::runRemoteCommand(httpsUrl(server), files.streams(), kConnectTimeout,
                                    {"/nonexistent/ca.crt", "", "", ""});
        }) == crix::StatusCode::InvalidArgument);
  // No stream was ever opened; the server is stopped by the destructor.
}

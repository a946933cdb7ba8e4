// The WebSocket opening handshake: accept key, refusals, subprotocols.
#include <doctest/doctest.h>

#include <array>

#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/websocket/ChannelProtocol.h"
#include "cri/streaming/websocket/WebSocketHandshake.h"

using namespace crix::streaming;

namespace {

const std::string kUpgradeFields =
    "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";

HttpRequest request(const std::string& fields, const std::string& requestLine = "GET /exec/t HTTP/1.1") {
  HttpRequestParser parser;
  REQUIRE(parser.feed(requestLine + "\r\nHost: h\r\n" + fields + "\r\n") == HttpRequestParser::State::Complete);
  return parser.takeRequest();
}

}  // namespace

TEST_CASE("Sec-WebSocket-Accept of RFC 6455's example key") {
  // RFC 6455 1.3 (also what Python's hashlib and base64 give).
  CHECK(webSocketAcceptKey("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
}

TEST_CASE("a v5 request is accepted with the first supported protocol echoed") {
  const auto hs = acceptWebSocket(request(kUpgradeFields + "Sec-WebSocket-Protocol: v9.channel.k8s.io, "
                                                           "v5.channel.k8s.io,v4.channel.k8s.io\r\n"),
                                  remoteCommandWebSocketProtocols());
  REQUIRE(hs.accepted);
  CHECK(hs.protocol == "v5.channel.k8s.io");
  CHECK(hs.response.serialize() ==
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n");
}

TEST_CASE("no subprotocol offered: accepted as \"\" when supported, without the header") {
  const auto hs = acceptWebSocket(request(kUpgradeFields), remoteCommandWebSocketProtocols());
  REQUIRE(hs.accepted);
  CHECK(hs.protocol.empty());
  CHECK_FALSE(hs.response.headers.has("Sec-WebSocket-Protocol"));

  const std::array<std::string_view, 1> onlyV5 = {"v5.channel.k8s.io"};
  const auto refused = acceptWebSocket(request(kUpgradeFields), onlyV5);
  CHECK_FALSE(refused.accepted);
  CHECK(refused.response.status == 403);
}

TEST_CASE("only unsupported subprotocols: 403 Forbidden") {
  const auto hs = acceptWebSocket(request(kUpgradeFields + "Sec-WebSocket-Protocol: v3.channel.k8s.io\r\n"),
                                  remoteCommandWebSocketProtocols());
  CHECK_FALSE(hs.accepted);
  CHECK(hs.response.status == 403);
  CHECK(hs.response.body.find("v3.channel.k8s.io") != std::string::npos);
  // Port-forward has no v5.
  CHECK(acceptWebSocket(request(kUpgradeFields + "Sec-WebSocket-Protocol: v5.channel.k8s.io\r\n"),
                        portForwardWebSocketProtocols())
            .response.status == 403);
}

TEST_CASE("malformed opening handshakes are refused with the RFC's status") {
  const auto remote = remoteCommandWebSocketProtocols();
  auto status = [&](const HttpRequest& r) {
    const auto hs = acceptWebSocket(r, remote);
    CHECK_FALSE(hs.accepted);
    return hs.response.status;
  };
  CHECK(status(request(kUpgradeFields, "POST /exec/t HTTP/1.1")) == 405);
  CHECK(acceptWebSocket(request(kUpgradeFields, "POST /exec/t HTTP/1.1"), remote).response.headers.get("Allow") ==
        "GET");
  CHECK(status(request(kUpgradeFields, "GET /exec/t HTTP/1.0")) == 400);
  CHECK(status(request("Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                       "dGhlIHNhbXBsZSBub25jZQ==\r\n")) == 400);
  CHECK(status(request("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n")) == 400);
  CHECK(status(request("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Key: c2hvcnQ=\r\n")) == 400);
  CHECK(status(request(kUpgradeFields + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")) == 400);
  const auto noVersion = acceptWebSocket(
      request("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"), remote);
  CHECK(noVersion.response.status == 400);
  CHECK(noVersion.response.headers.get("Sec-WebSocket-Version") == "13");
  const auto oldVersion = acceptWebSocket(
      request("Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 8\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"),
      remote);
  CHECK(oldVersion.response.status == 426);
  CHECK(oldVersion.response.headers.get("Sec-WebSocket-Version") == "13");
}

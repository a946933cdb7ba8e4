// Upgrade detection and kubelet's X-Stream-Protocol-Version negotiation.
#include <doctest/doctest.h>

#include <array>

#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/http/UpgradeNegotiation.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "tests/support/ErrorOf.h"

using namespace crix::streaming;

namespace {

HttpRequest requestWith(const std::string& fields) {
  HttpRequestParser parser;
  REQUIRE(parser.feed("GET /exec/t HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n") == HttpRequestParser::State::Complete);
  return parser.takeRequest();
}

}  // namespace

TEST_CASE("the Upgrade and Connection headers decide the upgrade kind") {
  CHECK(requestedUpgrade(requestWith("")) == UpgradeKind::None);
  CHECK(requestedUpgrade(requestWith("Upgrade: websocket\r\n")) == UpgradeKind::None);
  CHECK(requestedUpgrade(requestWith("Connection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\n")) ==
        UpgradeKind::WebSocket);
  CHECK(requestedUpgrade(requestWith("Connection: keep-alive\r\nConnection: upgrade\r\nUpgrade: SPDY/3.1\r\n")) ==
        UpgradeKind::Spdy31);
  CHECK(requestedUpgrade(requestWith("Connection: Upgrade\r\nUpgrade: h2c\r\n")) == UpgradeKind::Other);
  CHECK(requestedUpgrade(requestWith("Connection: Upgrade\r\n")) == UpgradeKind::Other);
  CHECK(requestedUpgrade(requestWith("Connection: upgrades\r\nUpgrade: websocket\r\n")) == UpgradeKind::None);
}

TEST_CASE("the first client-offered protocol the server supports wins") {
  const std::array<std::string_view, 2> server = {"v3.channel.k8s.io", "v4.channel.k8s.io"};
  CHECK(chooseProtocol({"v5.channel.k8s.io", "v3.channel.k8s.io", "v4.channel.k8s.io"}, server) ==
        "v3.channel.k8s.io");
  CHECK_FALSE(chooseProtocol({"v9"}, server).has_value());
  CHECK_FALSE(chooseProtocol({}, server).has_value());
}

TEST_CASE("X-Stream-Protocol-Version: repeated headers and comma lists, answer in the same header") {
  const HttpRequest request = requestWith(
      "X-Stream-Protocol-Version: v5.channel.k8s.io\r\n"
      "X-Stream-Protocol-Version: v4.channel.k8s.io, v3.channel.k8s.io\r\n");
  const ProtocolChoice choice = negotiateStreamProtocol(request, remoteCommandSpdyProtocols());
  REQUIRE(choice.accepted);
  CHECK(choice.protocol == "v4.channel.k8s.io");
  CHECK(choice.responseHeaders.getAll("X-Stream-Protocol-Version") == std::vector<std::string_view>{"v4.channel.k8s.io"});

  HttpResponse response = switchingProtocolsResponse(kUpgradeSpdy31);
  for (const auto& [name, value] : choice.responseHeaders.fields()) response.headers.add(name, value);
  CHECK(response.serialize() ==
        "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n"
        "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n");

  const ProtocolChoice portForward =
      negotiateStreamProtocol(requestWith("X-Stream-Protocol-Version: portforward.k8s.io\r\n"),
                              portForwardSpdyProtocols());
  CHECK(portForward.accepted);
  CHECK(portForward.protocol == "portforward.k8s.io");
}

TEST_CASE("no common stream protocol: 403 with X-Accepted-Stream-Protocol-Versions") {
  const ProtocolChoice choice =
      negotiateStreamProtocol(requestWith("X-Stream-Protocol-Version: v9.channel.k8s.io\r\n"),
                              remoteCommandSpdyProtocols());
  CHECK_FALSE(choice.accepted);
  CHECK(choice.refusal.status == 403);
  CHECK(choice.refusal.headers.getAll("X-Accepted-Stream-Protocol-Versions") ==
        std::vector<std::string_view>{"v4.channel.k8s.io", "v3.channel.k8s.io", "v2.channel.k8s.io",
                                      "channel.k8s.io"});
  CHECK(choice.refusal.body ==
        "unable to upgrade: unable to negotiate protocol: client supports [v9.channel.k8s.io], server accepts "
        "[v4.channel.k8s.io v3.channel.k8s.io v2.channel.k8s.io channel.k8s.io]\n");
}

TEST_CASE("no X-Stream-Protocol-Version at all: 400") {
  const ProtocolChoice choice = negotiateStreamProtocol(requestWith(""), remoteCommandSpdyProtocols());
  CHECK_FALSE(choice.accepted);
  CHECK(choice.refusal.status == 400);
  CHECK(choice.refusal.body == "unable to upgrade: X-Stream-Protocol-Version is required\n");
  CHECK(crix::test::codeOf([] { negotiateStreamProtocol(HttpRequest{}, {}); }) ==
        crix::StatusCode::InvalidArgument);
}

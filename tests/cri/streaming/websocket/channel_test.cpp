// The k8s channel subprotocols and port-forward's channel pairs.
#include <doctest/doctest.h>

#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/websocket/ChannelProtocol.h"
#include "cri/streaming/websocket/PortForwardChannels.h"
#include "tests/cri/streaming/websocket/ServerFrames.h"
#include "tests/support/ErrorOf.h"

using namespace crix::streaming;
using crix::streaming::test::splitServerFrames;
using MsgKind = ChannelMessage::Kind;

TEST_CASE("negotiated names map to their channel rules") {
  CHECK_FALSE(channelProtocolFor("v3.channel.k8s.io").has_value());
  CHECK_FALSE(channelProtocolFor("portforward.k8s.io").has_value());
  const auto none = channelProtocolFor("");
  REQUIRE(none);
  CHECK_FALSE(none->base64);
  CHECK_FALSE(none->statusJson);
  const auto v5 = channelProtocolFor("v5.channel.k8s.io");
  REQUIRE(v5);
  CHECK(v5->closeSignal);
  CHECK(v5->statusJson);
  CHECK_FALSE(v5->base64);
  const auto b64 = channelProtocolFor("v4.base64.channel.k8s.io");
  REQUIRE(b64);
  CHECK(b64->base64);
  CHECK(b64->statusJson);
  CHECK_FALSE(b64->closeSignal);
  CHECK_FALSE(channelProtocolFor("channel.k8s.io")->statusJson);
  // Every name in the WebSocket lists has channel rules.
  for (auto name : remoteCommandWebSocketProtocols()) CHECK(channelProtocolFor(name).has_value());
  for (auto name : portForwardWebSocketProtocols()) CHECK(channelProtocolFor(name).has_value());
}

TEST_CASE("binary channel messages: first byte the channel") {
  const ChannelCodec codec(*channelProtocolFor("v4.channel.k8s.io"));
  auto m = codec.decode(std::string("\x00" "foo\n", 5));
  CHECK(m.kind == MsgKind::Data);
  CHECK(m.channel == channel::kStdin);
  CHECK(m.data == "foo\n");
  m = codec.decode(std::string("\x04{\"Width\":80,\"Height\":24}"));
  CHECK(m.channel == channel::kResize);
  CHECK(codec.decode("").kind == MsgKind::Ignored);
  // v4 has no close signal: 255 is just a channel number the caller drops.
  m = codec.decode("\xff\x00");
  CHECK(m.kind == MsgKind::Data);
  CHECK(m.channel == 255);

  WebSocketConnection ws;
  codec.send(ws, channel::kStdout, "\n");
  const auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x2);
  CHECK(frames[0].payload == std::string("\x01\n", 2));
}

TEST_CASE("v5 close signal: exactly [255, channel]") {
  const ChannelCodec codec(*channelProtocolFor("v5.channel.k8s.io"));
  auto m = codec.decode(std::string("\xff\x00", 2));
  CHECK(m.kind == MsgKind::CloseChannel);
  CHECK(m.channel == channel::kStdin);
  CHECK(codec.decode("\xff").kind == MsgKind::Violation);
  m = codec.decode(std::string("\xff\x00\x01", 3));
  CHECK(m.kind == MsgKind::Violation);
  CHECK_FALSE(m.error.empty());
  CHECK(codec.decode(std::string("\x00" "data", 5)).data == "data");
}

TEST_CASE("base64 channel messages: digit channel, base64 data, text frames") {
  const ChannelCodec codec(*channelProtocolFor("base64.channel.k8s.io"));
  // kubelet's documented example session.
  auto m = codec.decode("0Zm9vCg==");
  CHECK(m.kind == MsgKind::Data);
  CHECK(m.channel == 0);
  CHECK(m.data == "foo\n");
  CHECK(codec.encode(channel::kStdout, "\n") == "1Cg==");
  m = codec.decode("0Zm9vCg");
  CHECK(m.kind == MsgKind::Ignored);
  CHECK_FALSE(m.error.empty());

  WebSocketConnection ws;
  codec.send(ws, channel::kStderr, std::string("\x00\xff", 2));
  const auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x1);
  CHECK(frames[0].payload == "2AP8=");
}

namespace {

HttpRequest portForwardRequest(const std::string& query) {
  HttpRequestParser parser;
  REQUIRE(parser.feed("GET /portforward/t" + query + " HTTP/1.1\r\nHost: h\r\n\r\n") ==
          HttpRequestParser::State::Complete);
  return parser.takeRequest();
}

}  // namespace

TEST_CASE("port-forward ports come from the query, as kubelet parses them") {
  CHECK(portForwardPorts(portForwardRequest("?port=80&port=8080")) == std::vector<uint16_t>{80, 8080});
  CHECK(portForwardPorts(portForwardRequest("?port=80,443&x=1&port=65535")) ==
        std::vector<uint16_t>{80, 443, 65535});
  using crix::test::errorOf;
  CHECK(std::string(errorOf([] { portForwardPorts(portForwardRequest("")); }).what()) ==
        "query parameter \"port\" is required");
  for (const char* bad : {"?port=", "?port=0", "?port=65536", "?port=http", "?port=80,", "?port=-1", "?port=8%2C"}) {
    CAPTURE(bad);
    CHECK(crix::test::codeOf([&] { portForwardPorts(portForwardRequest(bad)); }) ==
          crix::StatusCode::InvalidArgument);
  }
  std::string many = "?port=1";
  for (int i = 2; i <= 3; ++i) many += "&port=" + std::to_string(i);
  CHECK(crix::test::codeOf([&] { portForwardPorts(portForwardRequest(many), 2); }) ==
        crix::StatusCode::InvalidArgument);
}

TEST_CASE("port-forward channel pairs and the little-endian port prefix") {
  CHECK(portForwardDataChannel(0) == 0);
  CHECK(portForwardErrorChannel(0) == 1);
  CHECK(portForwardDataChannel(3) == 6);
  CHECK(portForwardErrorChannel(3) == 7);
  CHECK(portForwardErrorChannel(kMaxPortForwardPorts - 1) == 253);
  CHECK(portForwardPortPrefix(8080) == std::string("\x90\x1f", 2));
  CHECK(portForwardPortPrefix(80) == std::string("\x50\x00", 2));
}

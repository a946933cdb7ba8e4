// WebSocketFrameReader from memory, for both roles it reads for: the same
// bytes masked or not are accepted by one role and fail the other, any split
// reads the same, nothing is read after a close, and replyTo answers as
// RFC 6455 5.5 asks. The connection tests cover the rest of the rules
// through WebSocketConnection and WebSocketClientConnection.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cri/streaming/websocket/WebSocketFrameReader.h"

using namespace crix::streaming;
using Kind = WebSocketEvent::Kind;

namespace {

constexpr WebSocketMask kMask = {0x01, 0x80, 0xfe, 0x7f};
constexpr size_t kLimit = 1 << 20;

// Two text fragments with a ping between them, then a close with a reason.
std::string conversation(bool masked) {
  const auto mask = masked ? std::optional<WebSocketMask>(kMask) : std::nullopt;
  return encodeWebSocketFrame(WebSocketOpcode::Text, "héllo ", false, mask) +
         encodeWebSocketFrame(WebSocketOpcode::Ping, "p", true, mask) +
         encodeWebSocketFrame(WebSocketOpcode::Continuation, std::string(300, 'w'), true, mask) +
         encodeWebSocketFrame(WebSocketOpcode::Close, encodeClosePayload(1001, "away"), true, mask);
}

void checkConversation(const std::vector<WebSocketEvent>& events) {
  REQUIRE(events.size() == 3);
  CHECK(events[0].kind == Kind::Ping);
  CHECK(events[0].payload == "p");
  CHECK(events[1].kind == Kind::Message);
  CHECK(events[1].messageType == WebSocketMessageType::Text);
  CHECK(events[1].payload == "héllo " + std::string(300, 'w'));
  CHECK(events[2].kind == Kind::Closed);
  CHECK(events[2].closeCode == 1001);
  CHECK(events[2].payload == "away");
}

}  // namespace

TEST_CASE("a server's reader takes masked frames, a client's unmasked ones, at any split") {
  for (const auto peer : {WebSocketPeer::Client, WebSocketPeer::Server}) {
    CAPTURE(static_cast<int>(peer));
    const std::string bytes = conversation(peer == WebSocketPeer::Client);
    WebSocketFrameReader whole(peer, kLimit);
    checkConversation(whole.feed(bytes));
    CHECK(whole.done());

    WebSocketFrameReader byteWise(peer, kLimit);
    std::vector<WebSocketEvent> events;
    for (char c : bytes)
      for (auto& event : byteWise.feed(std::string_view(&c, 1))) events.push_back(std::move(event));
    checkConversation(events);
  }
}

TEST_CASE("a frame masked the wrong way for the role fails with 1002 and ends the reader") {
  WebSocketFrameReader server(WebSocketPeer::Client, kLimit);
  auto events = server.feed(conversation(false));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].closeCode == wsclose::kProtocolError);
  CHECK(events[0].payload == "client frame is not masked");
  CHECK(server.done());
  CHECK(server.feed(conversation(true)).empty());

  WebSocketFrameReader client(WebSocketPeer::Server, kLimit);
  events = client.feed(conversation(true));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].closeCode == wsclose::kProtocolError);
  CHECK(events[0].payload == "server frame is masked");
  CHECK(client.feed(conversation(false)).empty());
}

TEST_CASE("the message limit counts every fragment") {
  WebSocketFrameReader reader(WebSocketPeer::Server, 10);
  auto events = reader.feed(encodeWebSocketFrame(WebSocketOpcode::Binary, "123456", false));
  CHECK(events.empty());
  events = reader.feed(encodeWebSocketFrame(WebSocketOpcode::Continuation, "12345"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].closeCode == wsclose::kMessageTooBig);
}

TEST_CASE("replyTo: pong, close echo, failing close, nothing for data") {
  auto reply = replyTo({Kind::Ping, WebSocketMessageType::Binary, "abc", 0});
  REQUIRE(reply);
  CHECK(reply->opcode == WebSocketOpcode::Pong);
  CHECK(reply->payload == "abc");

  reply = replyTo({Kind::Closed, WebSocketMessageType::Binary, "bye", 1001});
  REQUIRE(reply);
  CHECK(reply->opcode == WebSocketOpcode::Close);
  CHECK(reply->payload == encodeClosePayload(1001, ""));

  reply = replyTo({Kind::Closed, WebSocketMessageType::Binary, "", wsclose::kNoStatus});
  REQUIRE(reply);
  CHECK(reply->payload.empty());

  // A long reason is cut to fit 125 bytes, and not inside a character.
  const std::string reason = std::string(122, 'x') + "é";
  reply = replyTo({Kind::Failed, WebSocketMessageType::Binary, reason, wsclose::kProtocolError});
  REQUIRE(reply);
  CHECK(reply->opcode == WebSocketOpcode::Close);
  CHECK(reply->payload == encodeClosePayload(wsclose::kProtocolError, std::string(122, 'x')));

  CHECK_FALSE(replyTo({Kind::Message, WebSocketMessageType::Text, "m", 0}));
  CHECK_FALSE(replyTo({Kind::Pong, WebSocketMessageType::Binary, "p", 0}));
  CHECK(endsConnection({Kind::Closed, WebSocketMessageType::Binary, "", 1000}));
  CHECK(endsConnection({Kind::Failed, WebSocketMessageType::Binary, "", 1002}));
  CHECK_FALSE(endsConnection({Kind::Ping, WebSocketMessageType::Binary, "", 0}));
}

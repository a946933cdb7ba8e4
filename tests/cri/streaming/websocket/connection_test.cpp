// WebSocketConnection from memory: frames in at any split, events and bytes
// out, and every kind of malformed frame failing with the right close code.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cri/streaming/websocket/WebSocketConnection.h"
#include "tests/cri/streaming/websocket/ServerFrames.h"
#include "tests/support/ErrorOf.h"

using namespace crix::streaming;
using crix::streaming::test::splitServerFrames;
using Kind = WebSocketEvent::Kind;

namespace {

constexpr WebSocketMask kMask = {0x37, 0xfa, 0x21, 0x3d};

std::string clientFrame(WebSocketOpcode opcode, std::string_view payload, bool fin = true) {
  return encodeWebSocketFrame(opcode, payload, fin, kMask);
}

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return s;
}

// Feeds `bytes` and expects the connection to fail with `code`.
void expectFailure(const std::string& bytes, uint16_t code, WebSocketLimits limits = {}) {
  WebSocketConnection ws(limits);
  const auto events = ws.feed(bytes);
  REQUIRE(!events.empty());
  CHECK(events.back().kind == Kind::Failed);
  CHECK(events.back().closeCode == code);
  CHECK(ws.state() == WebSocketConnection::State::Closed);
  const auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x8);
  CHECK(frames[0].closeCode() == code);
  CHECK(ws.feed(clientFrame(WebSocketOpcode::Binary, "late")).empty());
  CHECK(ws.takeOutput().empty());
}

}  // namespace

TEST_CASE("RFC 6455 5.7 examples: a masked \"Hello\" and the server's unmasked one") {
  WebSocketConnection ws;
  const std::string masked("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
  CHECK(clientFrame(WebSocketOpcode::Text, "Hello") == masked);
  const auto events = ws.feed(masked);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Message);
  CHECK(events[0].messageType == WebSocketMessageType::Text);
  CHECK(events[0].payload == "Hello");
  ws.sendText("Hello");
  CHECK(ws.takeOutput() == std::string("\x81\x05\x48\x65\x6c\x6c\x6f", 7));
}

TEST_CASE("binary messages round trip at 7-, 16- and 64-bit lengths") {
  for (size_t size : {0u, 1u, 125u, 126u, 127u, 65535u, 65536u, 200000u}) {
    CAPTURE(size);
    const std::string data = pattern(size);
    WebSocketConnection ws;
    const auto events = ws.feed(clientFrame(WebSocketOpcode::Binary, data));
    REQUIRE(events.size() == 1);
    CHECK(events[0].kind == Kind::Message);
    CHECK(events[0].messageType == WebSocketMessageType::Binary);
    CHECK(events[0].payload == data);

    ws.sendBinary(data);
    const std::string out = ws.takeOutput();
    CHECK(out.size() == data.size() + (size <= 125 ? 2 : size <= 65535 ? 4 : 10));
    const auto frames = splitServerFrames(out);
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].fin);
    CHECK(frames[0].opcode == 0x2);
    CHECK(frames[0].payload == data);
  }
}

TEST_CASE("fragments with control frames between them, split at every byte") {
  const std::string stream = clientFrame(WebSocketOpcode::Text, "Hel", false) +
                             clientFrame(WebSocketOpcode::Ping, "p1") +
                             clientFrame(WebSocketOpcode::Continuation, "", false) +
                             clientFrame(WebSocketOpcode::Pong, "p2") +
                             clientFrame(WebSocketOpcode::Continuation, "lo \xc3\xa9t\xc3\xa9") +
                             clientFrame(WebSocketOpcode::Binary, pattern(300), false) +
                             clientFrame(WebSocketOpcode::Continuation, pattern(70000)) +
                             clientFrame(WebSocketOpcode::Binary, "");
  for (size_t split = 0; split <= stream.size(); split += (split < 400 ? 1 : 997)) {
    CAPTURE(split);
    WebSocketConnection ws;
    auto events = ws.feed(std::string_view(stream).substr(0, split));
    auto more = ws.feed(std::string_view(stream).substr(split));
    events.insert(events.end(), more.begin(), more.end());
    REQUIRE(events.size() == 5);
    CHECK(events[0].kind == Kind::Ping);
    CHECK(events[0].payload == "p1");
    CHECK(events[1].kind == Kind::Pong);
    CHECK(events[1].payload == "p2");
    CHECK(events[2].kind == Kind::Message);
    CHECK(events[2].messageType == WebSocketMessageType::Text);
    CHECK(events[2].payload == "Hello \xc3\xa9t\xc3\xa9");
    CHECK(events[3].payload == pattern(300) + pattern(70000));
    CHECK(events[4].kind == Kind::Message);
    CHECK(events[4].payload.empty());
    const auto frames = splitServerFrames(ws.takeOutput());
    REQUIRE(frames.size() == 1);
    CHECK(frames[0].opcode == 0xA);  // the automatic pong
    CHECK(frames[0].payload == "p1");
  }
}

TEST_CASE("byte-at-a-time feeding of a 64-bit-length frame") {
  const std::string data = pattern(70000);
  const std::string frame = clientFrame(WebSocketOpcode::Binary, data);
  WebSocketConnection ws;
  std::vector<WebSocketEvent> events;
  for (char c : frame) {
    auto got = ws.feed(std::string_view(&c, 1));
    events.insert(events.end(), got.begin(), got.end());
  }
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload == data);
}

TEST_CASE("protocol violations close with 1002") {
  expectFailure(encodeWebSocketFrame(WebSocketOpcode::Binary, "unmasked"), 1002);
  std::string rsv = clientFrame(WebSocketOpcode::Binary, "x");
  rsv[0] = static_cast<char>(rsv[0] | 0x40);
  expectFailure(rsv, 1002);
  std::string reserved = clientFrame(WebSocketOpcode::Binary, "x");
  reserved[0] = static_cast<char>(0x83);
  expectFailure(reserved, 1002);
  reserved[0] = static_cast<char>(0x8b);
  expectFailure(reserved, 1002);
  expectFailure(clientFrame(WebSocketOpcode::Ping, std::string(126, 'p')), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Ping, "p", false), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Continuation, "orphan"), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Text, "a", false) + clientFrame(WebSocketOpcode::Binary, "b"), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Close, "x"), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Close, encodeClosePayload(1005, "")), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Close, encodeClosePayload(999, "")), 1002);
  expectFailure(clientFrame(WebSocketOpcode::Close, encodeClosePayload(5000, "")), 1002);
  // A 64-bit length with its top bit set: the header alone decides.
  std::string huge("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14);
  expectFailure(huge, 1002);
}

TEST_CASE("text and close reasons that are not UTF-8 close with 1007") {
  expectFailure(clientFrame(WebSocketOpcode::Text, "bad \xc3\x28"), 1007);
  expectFailure(clientFrame(WebSocketOpcode::Text, "\xed\xa0\x80"), 1007);      // surrogate
  expectFailure(clientFrame(WebSocketOpcode::Text, "\xc0\xaf"), 1007);          // overlong
  expectFailure(clientFrame(WebSocketOpcode::Text, "\xf4\x90\x80\x80"), 1007);  // past U+10FFFF
  expectFailure(clientFrame(WebSocketOpcode::Text, "\xe2\x82", false) + clientFrame(WebSocketOpcode::Continuation, "x"),
                1007);
  expectFailure(clientFrame(WebSocketOpcode::Close, encodeClosePayload(1000, "\xff")), 1007);
  // A character split across fragments is fine.
  WebSocketConnection ws;
  const auto events = ws.feed(clientFrame(WebSocketOpcode::Text, "\xe2\x82", false) +
                              clientFrame(WebSocketOpcode::Continuation, "\xac"));
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload == "\xe2\x82\xac");
}

TEST_CASE("messages over the limit close with 1009 before their payload arrives") {
  WebSocketLimits limits;
  limits.maxMessageBytes = 1000;
  const std::string header = clientFrame(WebSocketOpcode::Binary, pattern(1001)).substr(0, 8);
  expectFailure(header, 1009, limits);
  expectFailure(clientFrame(WebSocketOpcode::Binary, pattern(600), false) +
                    clientFrame(WebSocketOpcode::Continuation, pattern(401)),
                1009, limits);
  WebSocketConnection ws(limits);
  CHECK(ws.feed(clientFrame(WebSocketOpcode::Binary, pattern(600), false) +
                clientFrame(WebSocketOpcode::Continuation, pattern(400)))[0]
            .payload.size() == 1000);
  // A declared 2^62-byte frame fails on its header, with nothing buffered.
  std::string giant("\x82\xff\x40\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14);
  expectFailure(giant, 1009);
}

TEST_CASE("a close from the peer is echoed and reported") {
  WebSocketConnection ws;
  auto events = ws.feed(clientFrame(WebSocketOpcode::Binary, "last") +
                        clientFrame(WebSocketOpcode::Close, encodeClosePayload(1001, "bye")) +
                        clientFrame(WebSocketOpcode::Binary, "after"));
  REQUIRE(events.size() == 2);
  CHECK(events[0].payload == "last");
  CHECK(events[1].kind == Kind::Closed);
  CHECK(events[1].closeCode == 1001);
  CHECK(events[1].payload == "bye");
  CHECK(ws.state() == WebSocketConnection::State::Closed);
  const auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x8);
  CHECK(frames[0].closeCode() == 1001);
  CHECK_FALSE(ws.canSend());
  CHECK(crix::test::codeOf([&] { ws.sendBinary("x"); }) == crix::StatusCode::FailedPrecondition);

  WebSocketConnection empty;
  events = empty.feed(clientFrame(WebSocketOpcode::Close, ""));
  REQUIRE(events.size() == 1);
  CHECK(events[0].closeCode == 1005);
  const auto echo = splitServerFrames(empty.takeOutput());
  REQUIRE(echo.size() == 1);
  CHECK(echo[0].payload.empty());
}

TEST_CASE("a close from the server waits for the peer's and sends nothing after it") {
  WebSocketConnection ws;
  ws.close(1000, "done");
  CHECK(ws.state() == WebSocketConnection::State::Closing);
  CHECK_FALSE(ws.canSend());
  auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].closeCode() == 1000);
  CHECK(frames[0].payload.substr(2) == "done");
  ws.close();  // once only
  CHECK(ws.takeOutput().empty());

  auto events = ws.feed(clientFrame(WebSocketOpcode::Ping, "late") + clientFrame(WebSocketOpcode::Binary, "data"));
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::Ping);
  CHECK(ws.takeOutput().empty());  // no pong after our close
  events = ws.feed(clientFrame(WebSocketOpcode::Close, encodeClosePayload(1000, "")));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Closed);
  CHECK(ws.state() == WebSocketConnection::State::Closed);
  CHECK(ws.takeOutput().empty());
}

TEST_CASE("sending checks its arguments") {
  WebSocketConnection ws;
  CHECK(crix::test::codeOf([&] { ws.sendText("\xff"); }) == crix::StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { ws.sendPing(std::string(126, 'p')); }) == crix::StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { ws.close(1005); }) == crix::StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { ws.close(1006); }) == crix::StatusCode::InvalidArgument);
  ws.sendPing("hi");
  auto frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].opcode == 0x9);
  CHECK(frames[0].payload == "hi");

  // A long reason is cut at a character boundary so the frame stays a
  // valid control frame with a UTF-8 reason.
  std::string reason;
  for (int i = 0; i < 50; ++i) reason += "\xc3\xa9x";
  ws.close(4000, reason);
  frames = splitServerFrames(ws.takeOutput());
  REQUIRE(frames.size() == 1);
  CHECK(frames[0].payload.size() <= 125);
  CHECK(frames[0].closeCode() == 4000);
  CHECK(reason.rfind(frames[0].payload.substr(2), 0) == 0);
  CHECK((static_cast<unsigned char>(frames[0].payload.back()) & 0xc0) != 0xc0);
}

TEST_CASE("hostile byte soup never crashes the parsers, and failures stay failures") {
  uint32_t seed = 12345;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<uint8_t>(seed >> 16);
  };
  for (int round = 0; round < 2000; ++round) {
    // Valid frames with random bytes flipped, fed in random chunks.
    std::string bytes = clientFrame(WebSocketOpcode::Text, "abc", false) + clientFrame(WebSocketOpcode::Ping, "p") +
                        clientFrame(WebSocketOpcode::Continuation, pattern(next())) +
                        clientFrame(WebSocketOpcode::Close, encodeClosePayload(1000, "r"));
    for (int flips = next() % 4; flips > 0; --flips) bytes[next() % bytes.size()] = static_cast<char>(next());
    if (round % 3 == 0)
      for (int i = 0; i < 64; ++i) bytes += static_cast<char>(next());
    WebSocketLimits limits;
    limits.maxMessageBytes = 4096;
    WebSocketConnection ws(limits);
    size_t at = 0;
    bool ended = false;
    while (at < bytes.size()) {
      const size_t chunk = std::min<size_t>(1 + next() % 17, bytes.size() - at);
      for (const auto& event : ws.feed(std::string_view(bytes).substr(at, chunk))) {
        CHECK_FALSE(ended);  // nothing after Closed or Failed
        if (event.kind == Kind::Closed || event.kind == Kind::Failed) ended = true;
        if (event.kind == Kind::Message) CHECK(event.payload.size() <= limits.maxMessageBytes);
      }
      at += chunk;
    }
    CHECK(ended == (ws.state() == WebSocketConnection::State::Closed));
    splitServerFrames(ws.takeOutput());  // whatever we wrote is well-formed
  }
}

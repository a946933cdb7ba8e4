// WebSocketClientConnection against the server codec (WebSocketConnection and
// acceptWebSocket) in memory: the handshake, data both ways at any split,
// fragments, pings, both close orders; then every broken answer and hostile
// server frame the client must refuse.
#include <doctest/doctest.h>

#include <functional>
#include <string>
#include <vector>

#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/http/StreamProtocols.h"
#include "core/Base64.h"
#include "cri/streaming/websocket/WebSocketClientConnection.h"
#include "cri/streaming/websocket/WebSocketConnection.h"
#include "cri/streaming/websocket/WebSocketHandshake.h"
#include "tests/support/ErrorOf.h"

using namespace crix::streaming;
using Kind = WebSocketEvent::Kind;
using ClientState = WebSocketClientConnection::State;
using crix::base64Decode;
using crix::test::codeOf;

namespace {

const std::vector<std::string> kOffered = {"v5.channel.k8s.io", "v4.channel.k8s.io"};

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return s;
}

WebSocketClientConnection newClient(std::vector<std::string> offered = kOffered, WebSocketClientLimits limits = {}) {
  return WebSocketClientConnection({"127.0.0.1:10350", "/exec/TOKEN?x=1", std::move(offered)}, limits);
}

HttpRequest parseRequest(const std::string& bytes) {
  HttpRequestParser parser;
  REQUIRE(parser.feed(bytes) == HttpRequestParser::State::Complete);
  CHECK(parser.takeRemainder().empty());
  return parser.takeRequest();
}

// A client and a server codec joined in memory after a real handshake.
struct Pair {
  WebSocketClientConnection client = newClient();
  WebSocketConnection server;
  std::string serverProtocol;

  explicit Pair(std::vector<std::string_view> supported = {kChannelProtocolV4, kChannelProtocolV5}) {
    const WebSocketHandshake handshake = acceptWebSocket(parseRequest(client.takeOutput()), supported);
    REQUIRE(handshake.accepted);
    serverProtocol = handshake.protocol;
    CHECK(client.feed(handshake.response.serialize()).empty());
    REQUIRE(client.state() == ClientState::Open);
  }
  std::vector<WebSocketEvent> toServer() { return server.feed(client.takeOutput()); }
  std::vector<WebSocketEvent> toClient() { return client.feed(server.takeOutput()); }
};

// The 101 a correct server gives `client`'s request, with `edit` applied.
std::string answerFor(WebSocketClientConnection& client, const std::function<void(HttpResponse&)>& edit = {}) {
  const std::string_view supported[] = {kChannelProtocolV5};
  WebSocketHandshake handshake = acceptWebSocket(parseRequest(client.takeOutput()), supported);
  REQUIRE(handshake.accepted);
  if (edit) edit(handshake.response);
  return handshake.response.serialize();
}

// Feeds a 101 then `frames` and expects the client to fail with `code`,
// queueing one masked close frame with it that the server codec reads.
void expectFrameFailure(const std::string& frames, uint16_t code, WebSocketClientLimits limits = {}) {
  WebSocketClientConnection client = newClient(kOffered, limits);
  REQUIRE(client.feed(answerFor(client)).empty());
  const auto events = client.feed(frames);
  REQUIRE(!events.empty());
  CHECK(events.back().kind == Kind::Failed);
  CHECK(events.back().closeCode == code);
  CHECK(client.state() == ClientState::Closed);
  WebSocketConnection server;
  const auto seen = server.feed(client.takeOutput());
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].kind == Kind::Closed);
  CHECK(seen[0].closeCode == code);
  CHECK(client.feed(encodeWebSocketFrame(WebSocketOpcode::Binary, "late")).empty());
  CHECK(client.takeOutput().empty());
}

void expectHandshakeFailure(const std::string& answer, const std::string& because) {
  WebSocketClientConnection client = newClient();
  client.takeOutput();
  const auto events = client.feed(answer);
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].closeCode == 0);
  CHECK(events[0].payload.find(because) != std::string::npos);
  CHECK(client.state() == ClientState::Closed);
  CHECK_FALSE(client.upgraded());
  CHECK(client.takeOutput().empty());  // nothing is sent on a failed upgrade
}

}  // namespace

TEST_CASE("the upgrade request carries what RFC 6455 4.1 and kubelet need") {
  WebSocketClientConnection client = newClient();
  CHECK(client.state() == ClientState::Handshaking);
  const HttpRequest request = parseRequest(client.takeOutput());
  CHECK(request.method == "GET");
  CHECK(request.target == "/exec/TOKEN?x=1");
  CHECK(request.versionMinor == 1);
  CHECK(request.headers.get("Host") == "127.0.0.1:10350");
  CHECK(request.headers.hasToken("Upgrade", "websocket"));
  CHECK(request.headers.hasToken("Connection", "upgrade"));
  CHECK(request.headers.get("Sec-WebSocket-Version") == "13");
  CHECK(request.headers.listValues("Sec-WebSocket-Protocol") == kOffered);
  const auto key = request.headers.get("Sec-WebSocket-Key");
  REQUIRE(key);
  const auto nonce = base64Decode(*key);
  REQUIRE(nonce);
  CHECK(nonce->size() == 16);
  CHECK_FALSE(request.headers.has("Sec-WebSocket-Extensions"));

  // Every connection gets its own random key.
  WebSocketClientConnection other = newClient();
  CHECK(parseRequest(other.takeOutput()).headers.get("Sec-WebSocket-Key") != key);

  // No subprotocol offered: no header at all.
  WebSocketClientConnection bare = newClient({});
  CHECK_FALSE(parseRequest(bare.takeOutput()).headers.has("Sec-WebSocket-Protocol"));
}

TEST_CASE("the client refuses to build a request that could be split or misread") {
  using crix::StatusCode;
  auto make = [](std::string host, std::string target, std::vector<std::string> protocols) {
    return [=] { WebSocketClientConnection({host, target, protocols}); };
  };
  CHECK(codeOf(make("h\r\nX: y", "/", {})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("", "/", {})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "/a b", {})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "exec", {})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "/x\n", {})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "/", {"a,b"})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "/", {""})) == StatusCode::InvalidArgument);
  CHECK(codeOf(make("h", "/", {"a b"})) == StatusCode::InvalidArgument);
}

TEST_CASE("the server's choice of subprotocol is the client's") {
  Pair preferred;
  CHECK(preferred.serverProtocol == "v5.channel.k8s.io");
  CHECK(preferred.client.protocol() == "v5.channel.k8s.io");
  CHECK(preferred.client.httpStatus() == 101);
  CHECK(preferred.client.upgraded());

  Pair olderServer({kChannelProtocolV4});
  CHECK(olderServer.client.protocol() == "v4.channel.k8s.io");
}

TEST_CASE("sending before the upgrade finished is refused") {
  WebSocketClientConnection client = newClient();
  CHECK(codeOf([&] { client.sendBinary("x"); }) == crix::StatusCode::FailedPrecondition);
  CHECK(codeOf([&] { client.sendPing(); }) == crix::StatusCode::FailedPrecondition);
  client.close();  // nothing to close yet
  CHECK(client.state() == ClientState::Handshaking);
}

TEST_CASE("data both ways: every client frame is masked with its own key") {
  Pair pair;
  const std::string big = pattern(1024 * 1024 + 3);
  pair.client.sendBinary(std::string("\x00", 1) + "hello");
  pair.client.sendBinary(big);
  pair.client.sendText("text é");
  pair.client.sendBinary("");

  auto events = pair.toServer();  // the server codec fails unmasked frames
  REQUIRE(events.size() == 4);
  CHECK(events[0].payload == std::string("\x00hello", 6));
  CHECK(events[1].payload == big);
  CHECK(events[2].messageType == WebSocketMessageType::Text);
  CHECK(events[2].payload == "text é");
  CHECK(events[3].payload.empty());

  pair.client.sendBinary("same");
  const std::string first = pair.client.takeOutput();
  pair.client.sendBinary("same");
  const std::string second = pair.client.takeOutput();
  REQUIRE(first.size() == 2 + 4 + 4);
  CHECK((static_cast<uint8_t>(first[1]) & 0x80) != 0);
  CHECK(first != second);  // a fresh random mask per frame

  pair.server.sendBinary(big);
  pair.server.sendText("ok");
  events = pair.toClient();
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::Message);
  CHECK(events[0].payload == big);
  CHECK(events[1].messageType == WebSocketMessageType::Text);
  CHECK(events[1].payload == "ok");
}

TEST_CASE("the answer and the frames after it are read at any split") {
  WebSocketClientConnection client = newClient();
  std::string bytes = answerFor(client);
  bytes += encodeWebSocketFrame(WebSocketOpcode::Binary, std::string("\x01", 1));  // kubelet's ready message
  bytes += encodeWebSocketFrame(WebSocketOpcode::Binary, pattern(70000));
  bytes += encodeWebSocketFrame(WebSocketOpcode::Ping, "p");
  std::vector<WebSocketEvent> events;
  for (char c : bytes)
    for (auto& e : client.feed(std::string_view(&c, 1))) events.push_back(std::move(e));
  CHECK(client.state() == ClientState::Open);
  REQUIRE(events.size() == 3);
  CHECK(events[0].payload == "\x01");
  CHECK(events[1].payload == pattern(70000));
  CHECK(events[2].kind == Kind::Ping);

  // The 101 and a first frame in one read.
  WebSocketClientConnection together = newClient();
  const auto both = together.feed(answerFor(together) + encodeWebSocketFrame(WebSocketOpcode::Binary, "first"));
  REQUIRE(both.size() == 1);
  CHECK(both[0].payload == "first");
}

TEST_CASE("fragmented messages both ways, with a ping between fragments") {
  Pair pair;
  const std::string data = pattern(1000);
  pair.client.sendBinaryFragmented(data, 7);
  auto events = pair.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload == data);
  CHECK(codeOf([&] { pair.client.sendBinaryFragmented("x", 0); }) == crix::StatusCode::InvalidArgument);

  std::string frames = encodeWebSocketFrame(WebSocketOpcode::Binary, "ab", false);
  frames += encodeWebSocketFrame(WebSocketOpcode::Ping, "mid");
  frames += encodeWebSocketFrame(WebSocketOpcode::Continuation, "cd", false);
  frames += encodeWebSocketFrame(WebSocketOpcode::Continuation, "ef", true);
  events = pair.client.feed(frames);
  REQUIRE(events.size() == 2);
  CHECK(events[0].kind == Kind::Ping);
  CHECK(events[0].payload == "mid");
  CHECK(events[1].kind == Kind::Message);
  CHECK(events[1].payload == "abcdef");
  events = pair.toServer();  // the pong
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Pong);
  CHECK(events[0].payload == "mid");
}

TEST_CASE("pings both ways are answered") {
  Pair pair;
  pair.server.sendPing("srv");
  auto events = pair.toClient();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Ping);
  events = pair.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Pong);
  CHECK(events[0].payload == "srv");

  pair.client.sendPing("cli");
  events = pair.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Ping);
  events = pair.toClient();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Pong);
  CHECK(events[0].payload == "cli");
  CHECK(codeOf([&] { pair.client.sendPing(std::string(126, 'x')); }) == crix::StatusCode::InvalidArgument);
}

TEST_CASE("the client closes first: the server echoes, the client ends") {
  Pair pair;
  pair.client.close(wsclose::kNormal, "client done");
  CHECK(pair.client.state() == ClientState::Closing);
  CHECK(codeOf([&] { pair.client.sendBinary("x"); }) == crix::StatusCode::FailedPrecondition);
  auto events = pair.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Closed);
  CHECK(events[0].closeCode == 1000);
  CHECK(events[0].payload == "client done");
  // Data the server sent before it saw our close still arrives.
  const std::string echo = pair.server.takeOutput();
  events = pair.client.feed(encodeWebSocketFrame(WebSocketOpcode::Binary, "late data") + echo);
  REQUIRE(events.size() == 2);
  CHECK(events[0].payload == "late data");
  CHECK(events[1].kind == Kind::Closed);
  CHECK(events[1].closeCode == 1000);
  CHECK(pair.client.state() == ClientState::Closed);
  CHECK(pair.client.takeOutput().empty());  // no second close
  CHECK(codeOf([&] { pair.client.close(1005); }) == crix::StatusCode::InvalidArgument);
}

TEST_CASE("the server closes first: the client echoes its code") {
  Pair pair;
  pair.server.sendBinary("status");
  pair.server.close(wsclose::kGoingAway, "bye");
  auto events = pair.toClient();
  REQUIRE(events.size() == 2);
  CHECK(events[0].payload == "status");
  CHECK(events[1].kind == Kind::Closed);
  CHECK(events[1].closeCode == 1001);
  CHECK(events[1].payload == "bye");
  CHECK(pair.client.state() == ClientState::Closed);
  events = pair.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Closed);
  CHECK(events[0].closeCode == 1001);
  CHECK(pair.client.finish().empty());  // the TCP end after a close is normal

  // An empty close is echoed empty and reported as 1005.
  Pair quiet;
  events = quiet.client.feed(encodeWebSocketFrame(WebSocketOpcode::Close, ""));
  REQUIRE(events.size() == 1);
  CHECK(events[0].closeCode == wsclose::kNoStatus);
  events = quiet.toServer();
  REQUIRE(events.size() == 1);
  CHECK(events[0].closeCode == wsclose::kNoStatus);
}

TEST_CASE("the server going away without a close is an abnormal closure") {
  Pair pair;
  auto events = pair.client.finish();
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].closeCode == 1006);
  CHECK(pair.client.state() == ClientState::Closed);

  WebSocketClientConnection unanswered = newClient();
  events = unanswered.finish();
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload.find("before answering") != std::string::npos);
}

TEST_CASE("hostile server frames fail the connection with the right code") {
  const std::string ok = encodeWebSocketFrame(WebSocketOpcode::Binary, "x");
  SUBCASE("masked") {
    expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Binary, "x", true, WebSocketMask{1, 2, 3, 4}), 1002);
  }
  SUBCASE("reserved bits") { expectFrameFailure(std::string("\xc2\x01x", 3), 1002); }
  SUBCASE("unknown opcode") { expectFrameFailure(std::string("\x83\x00", 2), 1002); }
  SUBCASE("long control frame") { expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Ping, std::string(126, 'p')), 1002); }
  SUBCASE("fragmented control frame") { expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Ping, "p", false), 1002); }
  SUBCASE("continuation without a message") {
    expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Continuation, "x"), 1002);
  }
  SUBCASE("new message inside a fragmented one") {
    expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Binary, "a", false) + ok, 1002);
  }
  SUBCASE("64-bit length with the top bit set") {
    expectFrameFailure(std::string("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01", 10), 1002);
  }
  SUBCASE("one-byte close") { expectFrameFailure(std::string("\x88\x01\x03", 3), 1002); }
  SUBCASE("close code that may not be sent") { expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Close, encodeClosePayload(1005, "")), 1002); }
  SUBCASE("close reason not UTF-8") {
    expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Close, encodeClosePayload(1000, "\xff")), 1007);
  }
  SUBCASE("text not UTF-8") { expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Text, "\xc3\x28"), 1007); }
  SUBCASE("message over the limit, refused at the header") {
    WebSocketClientLimits limits;
    limits.maxMessageBytes = 1024;
    // Only the header of a 1 GiB frame: the client must not wait for it.
    expectFrameFailure(std::string("\x82\x7f\x00\x00\x00\x00\x40\x00\x00\x00", 10), 1009, limits);
    expectFrameFailure(encodeWebSocketFrame(WebSocketOpcode::Binary, std::string(600, 'a'), false) +
                           encodeWebSocketFrame(WebSocketOpcode::Continuation, std::string(600, 'b')),
                       1009, limits);
  }
}

TEST_CASE("broken or refused upgrade answers fail the handshake") {
  WebSocketClientConnection probe = newClient();
  const HttpRequest request = parseRequest(probe.takeOutput());
  const std::string accept = webSocketAcceptKey(*request.headers.get("Sec-WebSocket-Key"));

  SUBCASE("wrong Sec-WebSocket-Accept") {
    expectHandshakeFailure(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Accept: " + accept + "\r\nSec-WebSocket-Protocol: v5.channel.k8s.io\r\n\r\n",
        "Sec-WebSocket-Accept");  // another connection's key
  }
  SUBCASE("answer edits of a correct 101") {
    struct Case {
      std::function<void(HttpResponse&)> edit;
      std::string because;
    };
    const std::vector<Case> cases = {
        {[](HttpResponse& r) { r.headers.set("Upgrade", "h2c"); }, "Upgrade"},
        {[](HttpResponse& r) { r.headers.set("Connection", "keep-alive"); }, "Connection"},
        {[](HttpResponse& r) { r.headers.add("Sec-WebSocket-Accept", "AAAA"); }, "Sec-WebSocket-Accept"},
        {[](HttpResponse& r) { r.headers.set("Sec-WebSocket-Protocol", "v3.channel.k8s.io"); }, "not offered"},
        {[](HttpResponse& r) { r.headers.set("Sec-WebSocket-Protocol", "v5.channel.k8s.io, v4.channel.k8s.io"); },
         "more than one"},
        {[](HttpResponse& r) { r.headers.set("Sec-WebSocket-Protocol", ""); }, "no subprotocol"},
        {[](HttpResponse& r) { r.headers.add("Sec-WebSocket-Extensions", "permessage-deflate"); }, "extension"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.because);
      WebSocketClientConnection client = newClient();
      const auto events = client.feed(answerFor(client, c.edit));
      REQUIRE(events.size() == 1);
      CHECK(events[0].kind == Kind::Failed);
      CHECK(events[0].payload.find(c.because) != std::string::npos);
      CHECK(client.state() == ClientState::Closed);
    }
  }
  SUBCASE("not HTTP") { expectHandshakeFailure("SSH-2.0-OpenSSH\r\n\r\n", "status line"); }
  SUBCASE("obsolete line folding") {
    expectHandshakeFailure("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n  folded\r\n\r\n", "malformed");
  }
  SUBCASE("a head that never ends") {
    WebSocketClientLimits limits;
    limits.maxResponseHeadBytes = 256;
    WebSocketClientConnection client = newClient(kOffered, limits);
    const auto events = client.feed("HTTP/1.1 101 OK\r\nX: " + std::string(1000, 'a'));
    REQUIRE(events.size() == 1);
    CHECK(events[0].payload.find("exceeds 256") != std::string::npos);
  }
}

TEST_CASE("a refusal reports the server's status and message") {
  WebSocketClientConnection client = newClient({"v3.channel.k8s.io"});
  const std::string_view supported[] = {kChannelProtocolV5};
  const WebSocketHandshake refused = acceptWebSocket(parseRequest(client.takeOutput()), supported);
  REQUIRE_FALSE(refused.accepted);
  const std::string bytes = refused.response.serialize();
  // Split inside the body: the event comes once the declared body is in.
  auto events = client.feed(bytes.substr(0, bytes.size() - 3));
  CHECK(events.empty());
  events = client.feed(bytes.substr(bytes.size() - 3));
  REQUIRE(events.size() == 1);
  CHECK(events[0].kind == Kind::Failed);
  CHECK(events[0].payload.starts_with("the server refused the WebSocket upgrade: 403 Forbidden: "));
  CHECK(events[0].payload.find("not supported") != std::string::npos);
  CHECK(client.httpStatus() == 403);
  CHECK(client.refusalBody() == refused.response.body);

  // Without Content-Length the body runs to the end of the connection.
  WebSocketClientConnection open = newClient();
  open.takeOutput();
  CHECK(open.feed("HTTP/1.1 500 Internal Server Error\r\n\r\nno streaming").empty());
  events = open.finish();
  REQUIRE(events.size() == 1);
  CHECK(events[0].payload == "the server refused the WebSocket upgrade: 500 Internal Server Error: no streaming");

  // A huge body is cut, not buffered.
  WebSocketClientLimits limits;
  limits.maxRefusalBodyBytes = 16;
  WebSocketClientConnection bounded = newClient(kOffered, limits);
  bounded.takeOutput();
  events = bounded.feed("HTTP/1.1 404 Not Found\r\nContent-Length: 100000\r\n\r\n" + std::string(5000, 'z'));
  REQUIRE(events.size() == 1);
  CHECK(bounded.refusalBody() == std::string(16, 'z'));
}

// WebSocketClientConnection against npm's `ws` server (client-ws-server.js)
// over loopback TCP: an implementation that is not ours reads our masked
// frames and handshake, and writes the frames we must read.
#include <doctest/doctest.h>

#include <string>

#include "cri/streaming/websocket/WebSocketClientConnection.h"
#include "tests/cri/streaming/client/NodeWsServer.h"
#include "tests/cri/streaming/client/SocketPump.h"

using namespace crix::streaming;
using namespace crix::streaming::test;
using Kind = WebSocketEvent::Kind;
using ClientState = WebSocketClientConnection::State;

namespace {

std::string pattern(size_t size) {
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + 7) & 0xff);
  return s;
}

std::string onChannel(uint8_t channel, std::string_view data) {
  return std::string(1, static_cast<char>(channel)) + std::string(data);
}

// The data of every message on `channel`, concatenated.
std::string channelData(const std::vector<WebSocketEvent>& events, uint8_t channel) {
  std::string all;
  for (const auto& e : events)
    if (e.kind == Kind::Message && !e.payload.empty() && static_cast<uint8_t>(e.payload[0]) == channel)
      all += e.payload.substr(1);
  return all;
}

size_t countOf(const std::vector<WebSocketEvent>& events, Kind kind) {
  size_t n = 0;
  for (const auto& e : events) n += e.kind == kind;
  return n;
}

}  // namespace

TEST_CASE("ws interop (client): v5 exec against npm ws: 1 MiB, fragments, pings, close signal, Status") {
  NodeWsServer server("exec-v5");
  WebSocketClientConnection client({"127.0.0.1:" + std::to_string(server.port()), "/exec/tok?cmd=sh",
                                    {"v5.channel.k8s.io", "v4.channel.k8s.io"}});
  SocketPump pump(server.port(), client);
  REQUIRE(pump.until([&] { return client.state() != ClientState::Handshaking; }));
  REQUIRE(client.state() == ClientState::Open);
  CHECK(client.protocol() == "v5.channel.k8s.io");

  const std::string big = pattern(1024 * 1024);
  client.sendBinary(onChannel(0, "hello\n"));
  client.sendBinary(onChannel(0, big));
  client.sendBinaryFragmented(onChannel(0, "in three parts\n"), 6);
  client.sendBinary(onChannel(4, R"({"Width":80,"Height":24})"));
  client.sendBinary(onChannel(0, "frag\n"));
  client.sendPing("cli");
  const std::string expected = "hello\n" + big + "in three parts\nabcdef\n";
  REQUIRE(pump.until([&] {
    return channelData(pump.events(), 1).size() >= expected.size() && countOf(pump.events(), Kind::Pong) > 0;
  }));
  CHECK(channelData(pump.events(), 1) == expected);
  CHECK(countOf(pump.events(), Kind::Ping) == 1);  // the server's, answered already
  CHECK(countOf(pump.events(), Kind::Pong) == 1);  // ws answers our ping

  client.sendBinary(std::string("\xff\x00", 2));  // v5: stdin closed
  REQUIRE(pump.untilEof());
  CHECK(channelData(pump.events(), 2) == "bye\n");
  CHECK(channelData(pump.events(), 3) == R"({"metadata":{},"status":"Success"})");
  CHECK(pump.events().back().kind == Kind::Closed);
  CHECK(pump.events().back().closeCode == 1000);
  CHECK(pump.events().back().payload == "done");
  CHECK(client.state() == ClientState::Closed);

  pump.closeSocket();
  const auto lines = server.finish();
  const auto open = eventOf(lines, "open");
  CHECK(open["protocol"] == "v5.channel.k8s.io");
  CHECK(open["url"] == "/exec/tok?cmd=sh");
  CHECK(open["host"] == "127.0.0.1:" + std::to_string(server.port()));
  CHECK(open["offered"] == "v5.channel.k8s.io, v4.channel.k8s.io");
  CHECK(eventOf(lines, "pong")["data"] == "srv");
  CHECK(eventOf(lines, "resize")["size"] == nlohmann::json{{"Width", 80}, {"Height", 24}});
  CHECK(eventOf(lines, "stdin")["bytes"] == 6 + 1024 * 1024 + 15 + 5);
  CHECK(eventOf(lines, "stdin")["messages"] == 4);
  CHECK(hasEvent(lines, "stdin-closed"));
  CHECK(eventOf(lines, "close")["code"] == 1000);  // our echo reached ws
  CHECK_FALSE(hasEvent(lines, "bad-message"));
  CHECK_FALSE(hasEvent(lines, "ws-error"));
}

TEST_CASE("ws interop (client): the server may pick v4 although v5 came first") {
  NodeWsServer server("exec-v4");
  WebSocketClientConnection client({"127.0.0.1:" + std::to_string(server.port()), "/exec/x",
                                    {"v5.channel.k8s.io", "v4.channel.k8s.io"}});
  SocketPump pump(server.port(), client);
  REQUIRE(pump.until([&] { return client.state() != ClientState::Handshaking; }));
  CHECK(client.protocol() == "v4.channel.k8s.io");
  client.sendBinary(onChannel(0, "exit 7\n"));
  REQUIRE(pump.untilEof());
  const auto status = nlohmann::json::parse(channelData(pump.events(), 3));
  CHECK(status["reason"] == "NonZeroExitCode");
  CHECK(status["details"]["causes"][0]["message"] == "7");
  pump.closeSocket();
  server.finish();
}

TEST_CASE("ws interop (client): the client closes first and ws echoes") {
  NodeWsServer server("client-close");
  WebSocketClientConnection client({"127.0.0.1:" + std::to_string(server.port()), "/", {"v5.channel.k8s.io"}});
  SocketPump pump(server.port(), client);
  REQUIRE(pump.until([&] { return client.state() != ClientState::Handshaking; }));
  client.sendBinary(onChannel(0, "x"));
  client.close(4000, "client done");
  REQUIRE(pump.until([&] { return client.state() == ClientState::Closed; }));
  REQUIRE(!pump.events().empty());
  CHECK(pump.events().back().kind == Kind::Closed);
  CHECK(pump.events().back().closeCode == 4000);
  pump.closeSocket();
  const auto lines = server.finish();
  CHECK(eventOf(lines, "message")["length"] == 2);
  CHECK(eventOf(lines, "close")["code"] == 4000);
  CHECK(eventOf(lines, "close")["reason"] == "client done");
}

TEST_CASE("ws interop (client): a refusal from ws is reported with its status and text") {
  NodeWsServer server("refuse");
  WebSocketClientConnection client({"127.0.0.1:" + std::to_string(server.port()), "/", {"v5.channel.k8s.io"}});
  SocketPump pump(server.port(), client);
  REQUIRE(pump.until([&] { return client.state() == ClientState::Closed; }));
  REQUIRE(pump.events().size() == 1);
  CHECK(pump.events()[0].kind == Kind::Failed);
  CHECK(pump.events()[0].payload ==
        "the server refused the WebSocket upgrade: 403 Forbidden: streaming refused by the test server");
  CHECK(client.httpStatus() == 403);
  pump.closeSocket();
  CHECK(hasEvent(server.finish(), "refused"));
}

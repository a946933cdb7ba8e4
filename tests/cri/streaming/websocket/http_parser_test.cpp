// HttpRequestParser: heads split anywhere, the bounds, and malformed input.
#include <doctest/doctest.h>

#include <string>

#include "cri/streaming/http/HttpRequestParser.h"
#include "cri/streaming/http/HttpResponse.h"
#include "tests/support/ErrorOf.h"

using namespace crix::streaming;
using State = HttpRequestParser::State;

namespace {

const std::string kExecHead =
    "GET /exec/AbC123?command=sh&command=-c&stdin=1&x=a%20b+c HTTP/1.1\r\n"
    "Host: 127.0.0.1:10010\r\n"
    "Connection: Upgrade\r\n"
    "Upgrade: SPDY/3.1\r\n"
    "X-Stream-Protocol-Version: v4.channel.k8s.io\r\n"
    "x-stream-protocol-version: v3.channel.k8s.io\r\n"
    "User-Agent:   kubectl/v1.31  \r\n"
    "\r\n";

void checkExecRequest(const HttpRequest& r) {
  CHECK(r.method == "GET");
  CHECK(r.target == "/exec/AbC123?command=sh&command=-c&stdin=1&x=a%20b+c");
  CHECK(r.path == "/exec/AbC123");
  CHECK(r.query == "command=sh&command=-c&stdin=1&x=a%20b+c");
  CHECK(r.versionMinor == 1);
  CHECK(r.queryValues("command") == std::vector<std::string>{"sh", "-c"});
  CHECK(r.queryValue("x") == "a b c");
  CHECK_FALSE(r.queryValue("stdout").has_value());
  CHECK(r.headers.get("HOST") == "127.0.0.1:10010");
  CHECK(r.headers.get("user-agent") == "kubectl/v1.31");
  CHECK(r.headers.getAll("X-Stream-Protocol-Version").size() == 2);
  CHECK(r.headers.listValues("X-STREAM-PROTOCOL-VERSION") ==
        std::vector<std::string>{"v4.channel.k8s.io", "v3.channel.k8s.io"});
}

HttpRequestParser parseAll(const std::string& bytes, HttpParseLimits limits = {}) {
  HttpRequestParser parser(limits);
  parser.feed(bytes);
  return parser;
}

}  // namespace

TEST_CASE("a request head parses in one piece, with the upgraded bytes kept") {
  HttpRequestParser parser;
  CHECK(parser.feed(kExecHead + std::string("\x80\x03\x00\x01rest", 8)) == State::Complete);
  checkExecRequest(parser.request());
  CHECK(parser.takeRemainder() == std::string("\x80\x03\x00\x01rest", 8));
  CHECK(parser.feed("more") == State::Complete);
  CHECK(parser.takeRemainder() == "more");
  CHECK(parser.takeRemainder().empty());
}

TEST_CASE("a request head parses when split at every byte") {
  const std::string bytes = kExecHead + "tail";
  for (size_t split = 0; split <= bytes.size(); ++split) {
    CAPTURE(split);
    HttpRequestParser parser;
    parser.feed(bytes.substr(0, split));
    const State state = parser.feed(bytes.substr(split));
    REQUIRE(state == State::Complete);
    checkExecRequest(parser.request());
    CHECK(parser.takeRemainder() == "tail");
  }
}

TEST_CASE("a request head parses fed one byte at a time") {
  HttpRequestParser parser;
  for (size_t i = 0; i < kExecHead.size(); ++i) {
    const State state = parser.feed(std::string_view(&kExecHead[i], 1));
    CHECK(state == (i + 1 == kExecHead.size() ? State::Complete : State::Incomplete));
  }
  checkExecRequest(parser.request());
  CHECK(parser.takeRemainder().empty());
}

TEST_CASE("bare LF line ends, leading empty lines, HTTP/1.0 without Host, absolute-form") {
  auto p = parseAll("\r\n\nGET /x HTTP/1.1\nHost: h\n\n");
  REQUIRE(p.state() == State::Complete);
  CHECK(p.request().path == "/x");

  p = parseAll("GET /a?b HTTP/1.0\r\n\r\n");
  REQUIRE(p.state() == State::Complete);
  CHECK(p.request().versionMinor == 0);
  CHECK(p.request().query == "b");

  p = parseAll("GET http://node:10250/portforward/t?port=80 HTTP/1.1\r\nHost: node\r\n\r\n");
  REQUIRE(p.state() == State::Complete);
  CHECK(p.request().path == "/portforward/t");
  CHECK(p.request().queryValue("port") == "80");

  p = parseAll("GET /x HTTP/1.9\r\nHost: h\r\n\r\n");
  REQUIRE(p.state() == State::Complete);
  CHECK(p.request().versionMinor == 1);
}

TEST_CASE("request() before completion is a FailedPrecondition error") {
  HttpRequestParser parser;
  parser.feed("GET / HTTP/1.1\r\n");
  CHECK(parser.state() == State::Incomplete);
  CHECK(crix::test::codeOf([&] { parser.request(); }) == crix::StatusCode::FailedPrecondition);
}

TEST_CASE("malformed heads fail with 400 and a message") {
  const char* bad[] = {
      "GET /x\r\nHost: h\r\n\r\n",                      // no version
      "GET  /x HTTP/1.1\r\nHost: h\r\n\r\n",            // two spaces
      "GET /x HTTP/1.1 \r\nHost: h\r\n\r\n",            // trailing space
      "G(T /x HTTP/1.1\r\nHost: h\r\n\r\n",             // method not a token
      "GET /x HTTQ/1.1\r\nHost: h\r\n\r\n",             // bad protocol name
      "GET /x HTTP/1.x\r\nHost: h\r\n\r\n",             // bad minor
      "GET x HTTP/1.1\r\nHost: h\r\n\r\n",              // not origin-form
      "GET /a\x01 HTTP/1.1\r\nHost: h\r\n\r\n",         // control char in target
      "GET /x HTTP/1.1\r\nHost h\r\n\r\n",              // no colon
      "GET /x HTTP/1.1\r\nHost : h\r\n\r\n",            // space before colon
      "GET /x HTTP/1.1\r\n: h\r\nHost: h\r\n\r\n",      // empty name
      "GET /x HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n",  // obs-fold
      "GET /x HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n",  // lone CR in value
      "GET /x HTTP/1.1\r\nX: y\r\n\r\n",                // HTTP/1.1 without Host
      "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",  // two Hosts
  };
  for (const char* head : bad) {
    CAPTURE(head);
    auto p = parseAll(head);
    CHECK(p.state() == State::Failed);
    CHECK(p.failureStatus() == 400);
    CHECK_FALSE(p.failureMessage().empty());
    CHECK(p.feed("GET / HTTP/1.1\r\nHost: h\r\n\r\n") == State::Failed);
  }
  std::string nul = "GET /x HTTP/1.1\r\nHost: h\r\nX: a";
  nul += '\0';
  nul += "b\r\n\r\n";
  CHECK(parseAll(nul).failureStatus() == 400);
}

TEST_CASE("HTTP/2 and other majors fail with 505") {
  auto p = parseAll("GET /x HTTP/2.0\r\nHost: h\r\n\r\n");
  CHECK(p.state() == State::Failed);
  CHECK(p.failureStatus() == 505);
}

TEST_CASE("a head over the byte limit fails with 431, also before its end arrives") {
  HttpParseLimits limits;
  limits.maxHeadBytes = 256;
  std::string head = "GET /x HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(300, 'a');
  auto p = parseAll(head, limits);  // no line end yet
  CHECK(p.state() == State::Failed);
  CHECK(p.failureStatus() == 431);

  // Many short lines cross the limit too.
  std::string lines = "GET /x HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 40; ++i) lines += "A: b\r\n";
  HttpRequestParser parser(limits);
  State state = State::Incomplete;
  for (char c : lines) state = parser.feed(std::string_view(&c, 1));
  CHECK(state == State::Failed);
  CHECK(parser.failureStatus() == 431);

  // The default 16 KiB: a 20 KiB request line in one read.
  auto big = parseAll("GET /" + std::string(20 * 1024, 'a') + " HTTP/1.1\r\nHost: h\r\n\r\n");
  CHECK(big.failureStatus() == 431);

  // Exactly at the limit still parses.
  std::string exact = "GET /x HTTP/1.1\r\nHost: h\r\nP: ";
  exact += std::string(limits.maxHeadBytes - exact.size() - 4, 'p') + "\r\n\r\n";
  REQUIRE(exact.size() == limits.maxHeadBytes);
  CHECK(parseAll(exact, limits).state() == State::Complete);
  CHECK(parseAll(exact + "x", limits).state() == State::Complete);
}

TEST_CASE("more than 100 header fields fail with 431") {
  std::string head = "GET /x HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 99; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  CHECK(parseAll(head + "\r\n").state() == State::Complete);  // 100 fields
  auto p = parseAll(head + "X-Last: v\r\n\r\n");
  CHECK(p.state() == State::Failed);
  CHECK(p.failureStatus() == 431);
}

TEST_CASE("query decoding skips malformed escapes like Go") {
  HttpRequest r;
  r.query = "port=80&port=%zz&port=8080&&=x&port&port=%3";
  CHECK(r.queryValues("port") == std::vector<std::string>{"80", "8080", ""});
  CHECK(decodeQueryComponent("a%2Fb") == "a/b");
  CHECK_FALSE(decodeQueryComponent("%").has_value());
  CHECK_FALSE(decodeQueryComponent("%4").has_value());
}

TEST_CASE("responses serialize with Content-Length and refuse header injection") {
  HttpResponse r = errorResponse(403, "no");
  r.headers.add("X-Accepted-Stream-Protocol-Versions", "v4.channel.k8s.io");
  const std::string bytes = r.serialize();
  CHECK(bytes.rfind("HTTP/1.1 403 Forbidden\r\n", 0) == 0);
  CHECK(bytes.find("\r\nContent-Length: 3\r\n") != std::string::npos);
  CHECK(bytes.find("\r\nConnection: close\r\n") != std::string::npos);
  CHECK(bytes.substr(bytes.size() - 7) == "\r\n\r\nno\n");

  HttpResponse upgrade;
  upgrade.status = 101;
  upgrade.headers.add("Upgrade", "websocket");
  CHECK(upgrade.serialize() == "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");

  HttpResponse evil;
  evil.headers.add("X", "a\r\nSet-Cookie: b");
  CHECK(crix::test::codeOf([&] { evil.serialize(); }) == crix::StatusCode::InvalidArgument);
  HttpResponse badName;
  badName.headers.add("X Y", "v");
  CHECK(crix::test::codeOf([&] { badName.serialize(); }) == crix::StatusCode::InvalidArgument);
  CHECK(reasonPhrase(431) == "Request Header Fields Too Large");
}

TEST_CASE("hostile byte soup never crashes the request parser") {
  uint32_t seed = 777;
  auto next = [&] {
    seed = seed * 1103515245u + 12345u;
    return static_cast<uint8_t>(seed >> 16);
  };
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = kExecHead;
    for (int flips = 1 + next() % 6; flips > 0; --flips) bytes[next() % bytes.size()] = static_cast<char>(next());
    HttpParseLimits limits;
    limits.maxHeadBytes = 64 + next() * 2;
    HttpRequestParser parser(limits);
    size_t at = 0;
    while (at < bytes.size()) {
      const size_t chunk = std::min<size_t>(1 + next() % 40, bytes.size() - at);
      parser.feed(std::string_view(bytes).substr(at, chunk));
      at += chunk;
    }
    if (parser.state() == State::Failed) {
      CHECK((parser.failureStatus() == 400 || parser.failureStatus() == 431 || parser.failureStatus() == 505));
    } else if (parser.state() == State::Complete) {
      CHECK(parser.request().headers.size() <= limits.maxHeaderCount);
    }
  }
}

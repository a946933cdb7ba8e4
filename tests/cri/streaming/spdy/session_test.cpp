// SpdySession from memory: stream life, pings, resets, GOAWAY and the
// peer's protocol errors.
#include <doctest/doctest.h>

#include "core/Error.h"
#include "cri/streaming/spdy/SpdySession.h"
#include "tests/cri/streaming/spdy/SpdyTestPeer.h"
#include "tests/support/ErrorOf.h"

using namespace crix::spdy;
using namespace crix::spdy::test;
using crix::StatusCode;

namespace {

const HeaderBlock kStdin{{"streamtype", "stdin"}};
const HeaderBlock kOk{{":status", "200"}};

}  // namespace

TEST_CASE("a stream opens, carries data both ways and closes when both sides sent FIN") {
  SpdySession session;
  TestPeer peer;
  auto events = session.feed(concat({peer.synStream(1, kStdin), dataFrame(1, "hello ")}));
  REQUIRE(events.size() == 2);
  const auto& opened = std::get<StreamOpened>(events[0]);
  CHECK(opened.streamId == 1);
  CHECK(opened.priority == 3);
  CHECK(opened.headers.get("streamtype") == "stdin");
  CHECK_FALSE(opened.fin);
  CHECK(std::get<StreamData>(events[1]).bytes.size() == 6);

  CHECK(session.reply(1, kOk));
  CHECK(session.sendData(1, bytesOf("answer"), true));
  auto frames = peer.read(session.takeOutput());
  REQUIRE(frames.size() == 2);
  CHECK(std::get<SynReplyFrame>(frames[0]) == SynReplyFrame{1, false, kOk});
  CHECK(std::get<DataFrame>(frames[1]).fin);
  CHECK(dataOf(frames, 1) == "answer");
  CHECK(session.isOpen(1));  // half-closed: the peer may still send

  events = session.feed(dataFrame(1, "world", true));
  CHECK(dataOf(events, 1) == "world");
  CHECK(only<StreamData>(events).at(0).fin);
  CHECK_FALSE(session.isOpen(1));
  CHECK_FALSE(session.sendData(1, bytesOf("late")));  // gone: not a caller bug
}

TEST_CASE("a SYN_STREAM with FIN and a HEADERS frame") {
  SpdySession session;
  TestPeer peer;
  auto events = session.feed(concat({peer.synStream(1, kStdin), peer.headers(1, {{"x", "y"}}, true)}));
  REQUIRE(only<StreamHeaders>(events).size() == 1);
  CHECK(only<StreamHeaders>(events)[0].headers.get("x") == "y");
  CHECK(only<StreamHeaders>(events)[0].fin);
  events = session.feed(peer.synStream(3, kStdin, true));
  CHECK(only<StreamOpened>(events).at(0).fin);
  CHECK(session.reply(3, kOk, true));
  CHECK_FALSE(session.isOpen(3));
}

TEST_CASE("header compression carries across many streams in both directions") {
  SpdySession session;
  TestPeer peer;
  Bytes input;
  for (uint32_t id = 1; id < 200; id += 2)
    input = concat({input, peer.synStream(id, {{"streamtype", "data"},
                                               {"port", std::to_string(id)},
                                               {"requestid", std::to_string(id / 2)}})});
  const auto events = session.feed(input);
  const auto opened = only<StreamOpened>(events);
  REQUIRE(opened.size() == 100);
  for (const auto& o : opened) {
    CHECK(o.headers.get("port") == std::to_string(o.streamId));
    CHECK(session.reply(o.streamId, {{":status", "200"}, {"x-port", std::to_string(o.streamId)}}));
  }
  const auto replies = only<SynReplyFrame>(peer.read(session.takeOutput()));
  REQUIRE(replies.size() == 100);
  for (const auto& r : replies) CHECK(r.headers.get("x-port") == std::to_string(r.streamId));
}

TEST_CASE("a conversation fed byte by byte gives the same events") {
  TestPeer peer;
  const Bytes input = concat({peer.synStream(1, kStdin), dataFrame(1, "abc"), pingFrame(1), peer.synStream(3, kStdin),
                              dataFrame(3, "xyz", true), rstFrame(1, RstStatus::Cancel)});
  SpdySession whole;
  const auto expected = whole.feed(input);
  SpdySession bytewise;
  std::vector<SessionEvent> events;
  for (uint8_t b : input)
    for (auto& e : bytewise.feed(&b, 1)) events.push_back(std::move(e));
  CHECK(dataOf(events, 1) == "abc");
  CHECK(dataOf(events, 3) == "xyz");
  CHECK(only<StreamOpened>(events).size() == 2);
  CHECK(only<StreamReset>(events).size() == 1);
  CHECK(events.size() == expected.size() + 4);  // "abc" and "xyz" arrive a byte at a time
  CHECK(whole.takeOutput() == bytewise.takeOutput());  // the PING echo
}

TEST_CASE("pings") {
  SpdySession session;
  TestPeer peer;
  SUBCASE("the client's pings are echoed") {
    CHECK(session.feed(pingFrame(7)).empty());
    CHECK(only<PingFrame>(peer.read(session.takeOutput())) == std::vector<PingFrame>{{7}});
  }
  SUBCASE("ours are even and answered once") {
    const auto id = session.ping();
    REQUIRE(id);
    CHECK(*id % 2 == 0);
    CHECK(only<PingFrame>(peer.read(session.takeOutput())) == std::vector<PingFrame>{{*id}});
    const auto events = session.feed(concat({pingFrame(*id), pingFrame(*id), pingFrame(1000)}));
    REQUIRE(events.size() == 1);
    CHECK(std::get<PingAnswered>(events[0]).id == *id);
    CHECK(session.pendingOutput().empty());  // answers are not echoed back
  }
}

TEST_CASE("resets") {
  SpdySession session;
  TestPeer peer;
  session.feed(concat({peer.synStream(1, kStdin), peer.synStream(3, kStdin)}));
  REQUIRE(session.reply(1, kOk));
  SUBCASE("by the peer: the stream is gone, its queued data dropped") {
    const auto events = session.feed(rstFrame(1, RstStatus::Cancel));
    REQUIRE(events.size() == 1);
    const auto& reset = std::get<StreamReset>(events[0]);
    CHECK(reset.streamId == 1);
    CHECK(reset.status == RstStatus::Cancel);
    CHECK(reset.byPeer);
    CHECK_FALSE(session.isOpen(1));
    CHECK_FALSE(session.sendData(1, bytesOf("x")));
    CHECK_FALSE(session.reset(1));
    CHECK(session.feed(rstFrame(1, RstStatus::Cancel)).empty());  // twice is harmless
  }
  SUBCASE("by us: frames still in flight for it are dropped quietly") {
    CHECK(session.reset(3, RstStatus::RefusedStream));
    CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
          std::vector<RstStreamFrame>{{3, RstStatus::RefusedStream}});
    CHECK(session.feed(concat({dataFrame(3, "in flight"), peer.headers(3, {{"a", "b"}})})).empty());
    CHECK(session.pendingOutput().empty());
  }
}

TEST_CASE("frames for streams that do not exist get INVALID_STREAM") {
  SpdySession session;
  TestPeer peer;
  CHECK(session.feed(concat({dataFrame(9, "who?"), peer.headers(11, {{"a", "b"}}), peer.synReply(13, {})})).empty());
  const auto resets = only<RstStreamFrame>(peer.read(session.takeOutput()));
  CHECK(resets == std::vector<RstStreamFrame>{{9, RstStatus::InvalidStream}, {11, RstStatus::InvalidStream},
                                              {13, RstStatus::InvalidStream}});
  CHECK(session.feed(windowUpdateFrame(15, 100)).empty());  // may cross a stream's end: ignored
  CHECK(session.pendingOutput().empty());
}

TEST_CASE("stream-level protocol errors reset the stream and nothing else") {
  SpdySession session;
  TestPeer peer;
  session.feed(peer.synStream(5, kStdin));
  SUBCASE("a stream id used twice") {
    const auto events = session.feed(peer.synStream(5, kStdin));
    CHECK(only<StreamReset>(events).at(0).streamId == 5);
    CHECK_FALSE(only<StreamReset>(events).at(0).byPeer);
    CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
          std::vector<RstStreamFrame>{{5, RstStatus::ProtocolError}});
  }
  SUBCASE("a lower id than the last one") {
    CHECK(session.feed(peer.synStream(3, kStdin)).empty());
    CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
          std::vector<RstStreamFrame>{{3, RstStatus::ProtocolError}});
    CHECK(session.isOpen(5));
  }
  SUBCASE("an even (server) id") {
    CHECK(session.feed(peer.synStream(6, kStdin)).empty());
    CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
          std::vector<RstStreamFrame>{{6, RstStatus::ProtocolError}});
  }
  SUBCASE("data after the peer's FIN") {
    session.feed(dataFrame(5, "", true));
    const auto events = session.feed(dataFrame(5, "more"));
    CHECK(only<StreamReset>(events).at(0).status == RstStatus::StreamAlreadyClosed);
    CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
          std::vector<RstStreamFrame>{{5, RstStatus::StreamAlreadyClosed}});
  }
  SUBCASE("a SYN_REPLY from the client") {
    const auto events = session.feed(peer.synReply(5, {}));
    CHECK(only<StreamReset>(events).at(0).status == RstStatus::ProtocolError);
  }
  CHECK_FALSE(session.closed());
  // The session still works.
  const auto events = session.feed(peer.synStream(101, kStdin));
  CHECK(only<StreamOpened>(events).size() == 1);
}

TEST_CASE("session-level errors send GOAWAY and end the session") {
  SpdySession session;
  TestPeer peer;
  session.feed(peer.synStream(1, kStdin));
  Bytes bad;
  SUBCASE("stream id 0") { bad = peer.synStream(0, kStdin); }
  SUBCASE("DATA on stream 0") { bad = dataFrame(1, "x"); bad[3] = 0; }
  SUBCASE("wrong version") { bad = pingFrame(1); bad[1] = 2; }
  SUBCASE("a header bomb") {
    HeaderBlock bomb;
    bomb.add("x", std::string(2 << 20, 'a'));
    bad = peer.synStream(3, bomb);
  }
  SUBCASE("garbage") { bad = Bytes(64, 0xff); }
  const auto events = session.feed(concat({bad, pingFrame(9)}));
  REQUIRE(events.size() == 1);
  const auto& error = std::get<SessionError>(events[0]);
  CHECK(error.status == GoAwayStatus::ProtocolError);
  CHECK(error.message.starts_with("spdy: "));
  CHECK(session.closed());
  const auto frames = peer.read(session.takeOutput());
  CHECK(only<GoAwayFrame>(frames) == std::vector<GoAwayFrame>{{1, GoAwayStatus::ProtocolError}});
  CHECK(only<PingFrame>(frames).empty());  // nothing after the error is acted on
  CHECK(session.feed(pingFrame(11)).empty());
  CHECK(session.pendingOutput().empty());
  CHECK_FALSE(session.sendData(1, bytesOf("x")));
  CHECK_FALSE(session.ping());
}

TEST_CASE("GOAWAY both ways") {
  SpdySession session;
  TestPeer peer;
  session.feed(peer.synStream(1, kStdin));
  SUBCASE("ours: later streams are ignored, open ones go on") {
    session.goAway();
    session.goAway();
    CHECK(only<GoAwayFrame>(peer.read(session.takeOutput())) == std::vector<GoAwayFrame>{{1, GoAwayStatus::Ok}});
    CHECK(session.feed(concat({peer.synStream(3, kStdin), dataFrame(3, "x")})).empty());
    CHECK(session.pendingOutput().empty());
    CHECK(dataOf(session.feed(dataFrame(1, "still")), 1) == "still");
  }
  SUBCASE("the peer's") {
    Bytes goAway;
    writeGoAway(goAway, {1, GoAwayStatus::Ok});
    const auto events = session.feed(goAway);
    CHECK(std::get<GoAwayReceived>(events.at(0)).lastGoodStreamId == 1);
    CHECK_FALSE(session.closed());
  }
}

TEST_CASE("too many open streams are refused") {
  SessionOptions options;
  options.maxConcurrentStreams = 2;
  SpdySession session(options);
  TestPeer peer;
  const auto events = session.feed(concat(
      {peer.synStream(1, kStdin), peer.synStream(3, kStdin), peer.synStream(5, kStdin), dataFrame(5, "x")}));
  CHECK(only<StreamOpened>(events).size() == 2);
  CHECK(only<RstStreamFrame>(peer.read(session.takeOutput())) ==
        std::vector<RstStreamFrame>{{5, RstStatus::RefusedStream}});
}

TEST_CASE("caller bugs throw, the peer's doings do not") {
  SpdySession session;
  TestPeer peer;
  session.feed(concat({peer.synStream(1, kStdin), peer.synStream(3, kStdin, false, true), dataFrame(1, "abc")}));
  CHECK(crix::test::codeOf([&] { session.sendData(1, bytesOf("x")); }) == StatusCode::FailedPrecondition);
  CHECK(crix::test::codeOf([&] { session.reply(9, kOk); }) == StatusCode::NotFound);
  CHECK(crix::test::codeOf([&] { session.sendData(2, bytesOf("x")); }) == StatusCode::NotFound);
  CHECK(crix::test::codeOf([&] { session.consume(1, 4); }) == StatusCode::InvalidArgument);
  CHECK(session.reply(1, kOk));
  CHECK(crix::test::codeOf([&] { session.reply(1, kOk); }) == StatusCode::FailedPrecondition);
  CHECK(session.sendData(1, {}, true));
  CHECK(crix::test::codeOf([&] { session.sendData(1, bytesOf("x")); }) == StatusCode::FailedPrecondition);
  // A unidirectional stream is closed on our side from the start.
  CHECK(crix::test::codeOf([&] { session.sendData(3, bytesOf("x")); }) == StatusCode::FailedPrecondition);
}

TEST_CASE("partial writes of the output") {
  SpdySession session;
  TestPeer peer;
  session.feed(peer.synStream(1, kStdin));
  session.reply(1, kOk);
  const auto all = std::vector<uint8_t>(session.pendingOutput().begin(), session.pendingOutput().end());
  session.consumeOutput(3);
  CHECK(session.pendingOutput().size() == all.size() - 3);
  CHECK(std::equal(all.begin() + 3, all.end(), session.pendingOutput().begin()));
  CHECK(crix::test::codeOf([&] { session.consumeOutput(all.size()); }) == StatusCode::InvalidArgument);
  session.consumeOutput(all.size() - 3);
  CHECK(session.pendingOutput().empty());
}

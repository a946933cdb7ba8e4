// SPDY/3.1 flow control: stream and session send windows, SETTINGS, the
// Auto/Strict/Off modes, and the WINDOW_UPDATEs we send for consumed data.
#include <doctest/doctest.h>

#include <numeric>

#include "cri/streaming/spdy/SpdySession.h"
#include "tests/cri/streaming/spdy/SpdyTestPeer.h"

using namespace crix::spdy;
using namespace crix::spdy::test;

namespace {

const HeaderBlock kStdout{{"streamtype", "stdout"}};
const HeaderBlock kOk{{":status", "200"}};

// A session with streams 1 and 3 open and replied to.
struct Fixture {
  explicit Fixture(FlowControl mode, int32_t sessionReceiveWindow = kDefaultWindowSize)
      : session(options(mode, sessionReceiveWindow)) {
    session.feed(concat({peer.synStream(1, kStdout), peer.synStream(3, kStdout)}));
    session.reply(1, kOk);
    session.reply(3, kOk);
    peer.read(session.takeOutput());
  }
  static SessionOptions options(FlowControl mode, int32_t sessionReceiveWindow) {
    SessionOptions o;
    o.flowControl = mode;
    o.sessionReceiveWindow = sessionReceiveWindow;
    return o;
  }
  // Payload bytes the server wrote since the last call, per stream.
  std::string sent(uint32_t id) {
    frames = peer.read(session.takeOutput());
    return dataOf(frames, id);
  }
  SpdySession session;
  TestPeer peer;
  std::vector<Frame> frames;
};

size_t windowUpdateTotal(const std::vector<Frame>& frames, uint32_t id) {
  size_t total = 0;
  for (const auto& w : only<WindowUpdateFrame>(frames))
    if (w.streamId == id) total += w.delta;
  return total;
}

}  // namespace

TEST_CASE("strict: data beyond the stream window queues until WINDOW_UPDATE") {
  Fixture f(FlowControl::Strict);
  const std::string payload = pattern(100 * 1024);
  CHECK(f.session.sendData(1, bytesOf(payload), true));
  std::string received = f.sent(1);
  CHECK(received.size() == 64 * 1024);
  CHECK_FALSE(only<DataFrame>(f.frames).back().fin);
  CHECK(f.session.queuedBytes(1) == 36 * 1024);
  CHECK(f.session.queuedBytes() == 36 * 1024);
  CHECK(f.session.streamSendWindow(1) == 0);

  // The stream window opens, but the session window is spent as well.
  CHECK(f.session.feed(windowUpdateFrame(1, 64 * 1024)).empty());
  CHECK(f.sent(1).empty());
  // Now the session window opens too: the rest goes, and the stream drains.
  const auto events = f.session.feed(windowUpdateFrame(0, 1 << 20));
  received += f.sent(1);
  CHECK(received == payload);
  CHECK(only<DataFrame>(f.frames).back().fin);
  CHECK(f.session.queuedBytes() == 0);
  REQUIRE(events.size() == 1);
  CHECK(std::get<StreamDrained>(events[0]).streamId == 1);
}

TEST_CASE("strict: the session window is shared fairly between streams") {
  Fixture f(FlowControl::Strict);
  f.session.feed(settingsFrame(7, 1 << 20));  // big stream windows: only the session limits
  f.session.sendData(1, bytesOf(pattern(64 * 1024, 1)));
  f.session.sendData(3, bytesOf(pattern(64 * 1024, 3)));
  // Stream 1 asked first and got the whole session window.
  CHECK(f.sent(1).size() == 64 * 1024);
  f.session.feed(windowUpdateFrame(0, 32 * 1024));
  CHECK(f.sent(3).size() == 32 * 1024);
  f.session.feed(windowUpdateFrame(0, 64 * 1024));
  CHECK(f.sent(3).size() == 32 * 1024);
}

TEST_CASE("SETTINGS INITIAL_WINDOW_SIZE changes the windows of open streams") {
  Fixture f(FlowControl::Strict);
  f.session.feed(windowUpdateFrame(0, 1 << 20));
  f.session.sendData(1, bytesOf(pattern(200 * 1024)));
  CHECK(f.sent(1).size() == 64 * 1024);
  SUBCASE("bigger") {
    f.session.feed(settingsFrame(static_cast<uint32_t>(SettingId::InitialWindowSize), 128 * 1024));
    CHECK(f.session.streamSendWindow(1) == 0);
    CHECK(f.sent(1).size() == 64 * 1024);
    CHECK(f.session.streamSendWindow(3) == 128 * 1024);
  }
  SUBCASE("smaller: the window goes below zero and must be refilled past it") {
    f.session.feed(settingsFrame(static_cast<uint32_t>(SettingId::InitialWindowSize), 16 * 1024));
    CHECK(f.session.streamSendWindow(1) == -48 * 1024);
    f.session.feed(windowUpdateFrame(1, 48 * 1024));
    CHECK(f.sent(1).empty());
    f.session.feed(windowUpdateFrame(1, 1000));
    CHECK(f.sent(1).size() == 1000);
  }
}

TEST_CASE("auto: windows count only once the peer shows it does flow control") {
  Fixture f(FlowControl::Auto);
  CHECK_FALSE(f.session.sendWindowsEnforced());
  // spdystream never sends WINDOW_UPDATE: a megabyte must not stall.
  f.session.sendData(1, bytesOf(pattern(1 << 20)));
  CHECK(f.sent(1).size() == 1 << 20);
  CHECK(f.session.sessionSendWindow() == 64 * 1024 - (1 << 20));

  SUBCASE("a WINDOW_UPDATE turns enforcement on") { f.session.feed(windowUpdateFrame(0, 100)); }
  SUBCASE("so does SETTINGS with a window size") { f.session.feed(settingsFrame(7, 64 * 1024)); }
  CHECK(f.session.sendWindowsEnforced());
  f.session.sendData(3, bytesOf("held"));
  CHECK(f.sent(3).empty());
  CHECK(f.session.queuedBytes(3) == 4);
}

TEST_CASE("off: windows never hold data back") {
  Fixture f(FlowControl::Off);
  f.session.feed(windowUpdateFrame(1, 1));
  f.session.sendData(1, bytesOf(pattern(300 * 1024)));
  CHECK(f.sent(1).size() == 300 * 1024);
  CHECK(f.session.queuedBytes() == 0);
}

TEST_CASE("large writes are cut into frames of at most maxDataFrameSize") {
  SessionOptions options;
  options.maxDataFrameSize = 1000;
  SpdySession session(options);
  TestPeer peer;
  session.feed(peer.synStream(1, kStdout));
  session.reply(1, kOk);
  session.sendData(1, bytesOf(pattern(4500)), true);
  const auto data = only<DataFrame>(peer.read(session.takeOutput()));
  REQUIRE(data.size() == 5);
  CHECK(data[0].bytes.size() == 1000);
  CHECK(data[4].bytes.size() == 500);
  CHECK(data[4].fin);
}

TEST_CASE("received data reopens the windows once consumed") {
  Fixture f(FlowControl::Auto);
  const auto events = f.session.feed(dataFrame(1, pattern(40 * 1024)));
  CHECK(dataOf(events, 1).size() == 40 * 1024);
  CHECK(f.session.pendingOutput().empty());  // nothing consumed yet
  f.session.consume(1, 10 * 1024);
  CHECK(f.session.pendingOutput().empty());  // under half a window
  f.session.consume(1, 30 * 1024);
  auto frames = f.peer.read(f.session.takeOutput());
  CHECK(windowUpdateTotal(frames, 1) == 40 * 1024);
  CHECK(windowUpdateTotal(frames, 0) == 40 * 1024);

  SUBCASE("a reset stream's unconsumed bytes go back to the session") {
    f.session.feed(dataFrame(3, pattern(40 * 1024)));
    f.session.reset(3);
    frames = f.peer.read(f.session.takeOutput());
    CHECK(windowUpdateTotal(frames, 0) == 40 * 1024);
    f.session.consume(3, 100);  // ignored: the stream is gone
  }
  SUBCASE("a stream the peer finished needs no stream-level update") {
    f.session.feed(dataFrame(1, pattern(40 * 1024), true));
    frames = f.peer.read(f.session.takeOutput());
    CHECK(windowUpdateTotal(frames, 1) == 0);
  }
}

TEST_CASE("autoConsume and bigger receive windows announced at start") {
  SessionOptions options;
  options.autoConsume = true;
  options.initialReceiveWindow = 1 << 20;
  options.sessionReceiveWindow = 4 << 20;
  SpdySession session(options);
  TestPeer peer;
  auto frames = peer.read(session.takeOutput());
  CHECK(only<SettingsFrame>(frames) ==
        std::vector<SettingsFrame>{
            {false, {Setting{0, static_cast<uint32_t>(SettingId::InitialWindowSize), 1 << 20}}}});
  CHECK(windowUpdateTotal(frames, 0) == (4 << 20) - 64 * 1024);

  session.feed(concat({peer.synStream(1, kStdout), dataFrame(1, pattern(600 * 1024))}));
  frames = peer.read(session.takeOutput());
  CHECK(windowUpdateTotal(frames, 1) == 600 * 1024);
  CHECK(windowUpdateTotal(frames, 0) == 0);  // under half the session window
}

TEST_CASE("strict: a peer that overruns our windows") {
  SUBCASE("a stream window: that stream is reset") {
    Fixture f(FlowControl::Strict, 1 << 20);
    auto events = f.session.feed(concat({dataFrame(1, pattern(60 * 1024)), dataFrame(1, pattern(8 * 1024))}));
    CHECK(dataOf(events, 1).size() == 60 * 1024);
    REQUIRE(only<StreamReset>(events).size() == 1);
    CHECK(only<StreamReset>(events)[0].status == RstStatus::FlowControlError);
    CHECK_FALSE(only<StreamReset>(events)[0].byPeer);
    CHECK(only<RstStreamFrame>(f.peer.read(f.session.takeOutput())) ==
          std::vector<RstStreamFrame>{{1, RstStatus::FlowControlError}});
  }
  SUBCASE("the session window: the session ends") {
    Fixture f(FlowControl::Strict);
    f.session.feed(settingsFrame(7, 1 << 20));
    auto events = f.session.feed(concat({dataFrame(1, pattern(40 * 1024)), dataFrame(3, pattern(40 * 1024))}));
    REQUIRE(only<SessionError>(events).size() == 1);
    CHECK(f.session.closed());
  }
  SUBCASE("auto mode lets it pass (spdystream does not look at windows)") {
    Fixture f(FlowControl::Auto);
    auto events = f.session.feed(dataFrame(1, pattern(200 * 1024)));
    CHECK(dataOf(events, 1).size() == 200 * 1024);
    CHECK(only<StreamReset>(events).empty());
  }
}

TEST_CASE("invalid WINDOW_UPDATEs") {
  Fixture f(FlowControl::Strict);
  SUBCASE("a stream delta of 0 resets the stream") {
    const auto events = f.session.feed(windowUpdateFrame(1, 0));
    CHECK(only<StreamReset>(events).at(0).status == RstStatus::FlowControlError);
  }
  SUBCASE("a stream window over 2^31-1 resets the stream") {
    const auto events = f.session.feed(windowUpdateFrame(1, 0x7fffffff));
    CHECK(only<StreamReset>(events).at(0).status == RstStatus::FlowControlError);
  }
  SUBCASE("a session window over 2^31-1 ends the session") {
    const auto events = f.session.feed(windowUpdateFrame(0, 0x7fffffff));
    CHECK(only<SessionError>(events).size() == 1);
  }
}

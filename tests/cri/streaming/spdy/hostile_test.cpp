// Whatever bytes the peer sends, the session answers with events and
// output, never with an exception, a crash or unbounded memory.
#include <doctest/doctest.h>

#include <random>

#include "cri/streaming/spdy/SpdySession.h"
#include "tests/cri/streaming/spdy/SpdyTestPeer.h"

using namespace crix::spdy;
using namespace crix::spdy::test;

namespace {

Bytes conversation() {
  TestPeer peer;
  return concat({settingsFrame(7, 1 << 20), windowUpdateFrame(0, 1 << 20), peer.synStream(1, {{"streamtype", "stdin"}}),
                 dataFrame(1, pattern(3000)), pingFrame(1), peer.synStream(3, {{"streamtype", "data"}, {"port", "80"}}),
                 peer.headers(3, {{"a", "b"}}), dataFrame(3, "x", true), rstFrame(1, RstStatus::Cancel),
                 windowUpdateFrame(3, 10)});
}

// Feeds `input` in random pieces; replies to what opens, like a server would.
void drive(const Bytes& input, std::mt19937& random, FlowControl mode) {
  SessionOptions options;
  options.flowControl = mode;
  SpdySession session(options);
  size_t pos = 0;
  while (pos < input.size()) {
    const size_t n = std::min<size_t>(input.size() - pos, 1 + random() % 64);
    for (const auto& event : session.feed(input.data() + pos, n)) {
      if (const auto* opened = std::get_if<StreamOpened>(&event); opened && !opened->unidirectional) {
        session.reply(opened->streamId, {{":status", "200"}});
        session.sendData(opened->streamId, std::vector<uint8_t>(100, 'y'));
      }
      if (const auto* data = std::get_if<StreamData>(&event)) session.consume(data->streamId, data->bytes.size());
    }
    pos += n;
    session.takeOutput();
  }
}

}  // namespace

TEST_CASE("mutated conversations never throw") {
  const Bytes original = conversation();
  std::mt19937 random(20261127);
  for (int round = 0; round < 3000; ++round) {
    Bytes input = original;
    const int flips = 1 + static_cast<int>(random() % 4);
    for (int i = 0; i < flips; ++i) input[random() % input.size()] = static_cast<uint8_t>(random());
    const FlowControl modes[] = {FlowControl::Strict, FlowControl::Auto, FlowControl::Off};
    CHECK_NOTHROW(drive(input, random, modes[round % 3]));
  }
}

TEST_CASE("random bytes never throw") {
  std::mt19937 random(7);
  for (int round = 0; round < 500; ++round) {
    Bytes input(1 + random() % 512);
    for (auto& b : input) b = static_cast<uint8_t>(random());
    // Half the rounds look like control frames of version 3, to get past
    // the first check.
    if (round % 2 == 0 && input.size() > 2) {
      input[0] = 0x80;
      input[1] = 0x03;
    }
    CHECK_NOTHROW(drive(input, random, FlowControl::Strict));
  }
}

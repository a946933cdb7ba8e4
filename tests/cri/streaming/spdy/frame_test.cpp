// The SPDY/3 frame codec on its own: every frame type written and read
// back, input in arbitrary pieces, and hostile framing.
#include <doctest/doctest.h>

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyFrameReader.h"
#include "cri/streaming/spdy/SpdyFrameWriter.h"
#include "tests/cri/streaming/spdy/SpdyTestPeer.h"
#include "tests/support/ErrorOf.h"

using namespace crix::spdy;
using namespace crix::spdy::test;
using crix::StatusCode;

namespace {

std::vector<Frame> readAll(FrameReader& reader, std::span<const uint8_t> bytes) {
  reader.append(bytes);
  std::vector<Frame> frames;
  while (auto f = reader.next()) frames.push_back(std::move(*f));
  return frames;
}

// One of each frame type, in one buffer, written with one writer context.
Bytes everyFrame(FrameWriter& writer) {
  Bytes out;
  writer.synStream(out, SynStreamFrame{1, 0, 5, 0, false, false, {{"streamtype", "stdin"}, {":path", "/"}}});
  writer.synStream(out, SynStreamFrame{3, 1, 0, 7, true, true, {{"streamtype", "error"}}});
  writer.synReply(out, SynReplyFrame{1, false, {{":status", "200"}}});
  writer.headers(out, HeadersFrame{1, true, {{"x-trailer", "a"}}});
  writeRstStream(out, {3, RstStatus::FlowControlError});
  writeSettings(out, SettingsFrame{true, {Setting{kSettingFlagPersistValue, 7, 1 << 20}, Setting{0, 4, 100}}});
  writePing(out, {7});
  writeGoAway(out, {5, GoAwayStatus::InternalError});
  writeWindowUpdate(out, {0, 12345});
  writeWindowUpdate(out, {1, 0x7fffffff});
  const std::string payload = "hello";
  writeData(out, 1, std::span(reinterpret_cast<const uint8_t*>(payload.data()), payload.size()), false);
  writeData(out, 1, {}, true);
  return out;
}

void checkEveryFrame(const std::vector<Frame>& frames) {
  REQUIRE(frames.size() == 12);
  CHECK(std::get<SynStreamFrame>(frames[0]) ==
        SynStreamFrame{1, 0, 5, 0, false, false, {{"streamtype", "stdin"}, {":path", "/"}}});
  CHECK(std::get<SynStreamFrame>(frames[1]) == SynStreamFrame{3, 1, 0, 7, true, true, {{"streamtype", "error"}}});
  CHECK(std::get<SynReplyFrame>(frames[2]) == SynReplyFrame{1, false, {{":status", "200"}}});
  CHECK(std::get<HeadersFrame>(frames[3]) == HeadersFrame{1, true, {{"x-trailer", "a"}}});
  CHECK(std::get<RstStreamFrame>(frames[4]) == RstStreamFrame{3, RstStatus::FlowControlError});
  CHECK(std::get<SettingsFrame>(frames[5]) ==
        SettingsFrame{true, {Setting{kSettingFlagPersistValue, 7, 1 << 20}, Setting{0, 4, 100}}});
  CHECK(std::get<PingFrame>(frames[6]) == PingFrame{7});
  CHECK(std::get<GoAwayFrame>(frames[7]) == GoAwayFrame{5, GoAwayStatus::InternalError});
  CHECK(std::get<WindowUpdateFrame>(frames[8]) == WindowUpdateFrame{0, 12345});
  CHECK(std::get<WindowUpdateFrame>(frames[9]) == WindowUpdateFrame{1, 0x7fffffff});
  CHECK(std::get<DataFrame>(frames[10]) == DataFrame{1, false, true, {'h', 'e', 'l', 'l', 'o'}});
  CHECK(std::get<DataFrame>(frames[11]) == DataFrame{1, true, true, {}});
}

Bytes controlHeader(uint16_t version, uint16_t type, uint8_t flags, uint32_t length) {
  return {static_cast<uint8_t>(0x80 | (version >> 8)), static_cast<uint8_t>(version), static_cast<uint8_t>(type >> 8),
          static_cast<uint8_t>(type), flags, static_cast<uint8_t>(length >> 16), static_cast<uint8_t>(length >> 8),
          static_cast<uint8_t>(length)};
}

std::string readError(Bytes bytes, const FrameLimits& limits = {}) {
  FrameReader reader(limits);
  return crix::test::errorOf([&] { readAll(reader, bytes); }).what();
}

}  // namespace

TEST_CASE("every frame type survives a write and a read") {
  FrameWriter writer;
  FrameReader reader;
  checkEveryFrame(readAll(reader, everyFrame(writer)));
}

TEST_CASE("the wire form of fixed frames is what the spec draws") {
  Bytes out;
  writePing(out, {0x01020304});
  CHECK(out == Bytes{0x80, 0x03, 0x00, 0x06, 0x00, 0x00, 0x00, 0x04, 0x01, 0x02, 0x03, 0x04});
  out.clear();
  writeRstStream(out, {5, RstStatus::Cancel});
  CHECK(out == Bytes{0x80, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, 0x08, 0, 0, 0, 5, 0, 0, 0, 5});
  out.clear();
  writeData(out, 0x01020304, std::span<const uint8_t>(), true);
  CHECK(out == Bytes{0x01, 0x02, 0x03, 0x04, 0x01, 0x00, 0x00, 0x00});
}

TEST_CASE("input fed one byte at a time gives the same frames") {
  FrameWriter writer;
  const Bytes all = everyFrame(writer);
  FrameReader reader;
  std::vector<Frame> frames;
  for (uint8_t byte : all) {
    reader.append(std::span(&byte, 1));
    while (auto f = reader.next()) {
      // DATA comes in one-byte pieces: join them back into frames.
      if (auto* piece = std::get_if<DataFrame>(&*f); piece && !frames.empty()) {
        if (auto* prev = std::get_if<DataFrame>(&frames.back()); prev && !prev->endOfFrame) {
          prev->bytes.insert(prev->bytes.end(), piece->bytes.begin(), piece->bytes.end());
          prev->fin = piece->fin;
          prev->endOfFrame = piece->endOfFrame;
          continue;
        }
      }
      frames.push_back(std::move(*f));
    }
  }
  checkEveryFrame(frames);
  CHECK(reader.buffered() == 0);
}

TEST_CASE("DATA is handed out as it arrives, not held until the frame is whole") {
  Bytes header = {0x00, 0x00, 0x00, 0x01, 0x01, 0xff, 0xff, 0xff};  // stream 1, FIN, 16 MiB - 1
  FrameReader reader;
  CHECK(readAll(reader, header).empty());
  const Bytes chunk(1000, 'x');
  auto frames = readAll(reader, chunk);
  REQUIRE(frames.size() == 1);
  const auto& piece = std::get<DataFrame>(frames[0]);
  CHECK(piece.bytes.size() == 1000);
  CHECK_FALSE(piece.fin);
  CHECK_FALSE(piece.endOfFrame);
  CHECK(reader.buffered() == 0);
}

TEST_CASE("unknown control frames are skipped and the next frame still parses") {
  Bytes bytes = controlHeader(3, 10, 0, 3);  // CREDENTIAL, which we do not use
  bytes.insert(bytes.end(), {1, 2, 3});
  writePing(bytes, {9});
  FrameReader reader;
  auto frames = readAll(reader, bytes);
  REQUIRE(frames.size() == 2);
  CHECK(std::get<UnknownControlFrame>(frames[0]) == UnknownControlFrame{10, 0, 3});
  CHECK(std::get<PingFrame>(frames[1]) == PingFrame{9});
}

TEST_CASE("the reserved bit of stream ids is ignored") {
  Bytes bytes = controlHeader(3, 3, 0, 8);
  bytes.insert(bytes.end(), {0x80, 0, 0, 1, 0, 0, 0, 5});
  FrameReader reader;
  auto frames = readAll(reader, bytes);
  CHECK(std::get<RstStreamFrame>(frames.at(0)).streamId == 1);
}

TEST_CASE("hostile framing is a clear error, and the reader stays failed") {
  SUBCASE("a version other than 3") {
    Bytes bytes = controlHeader(2, 6, 0, 4);
    bytes.insert(bytes.end(), {0, 0, 0, 1});
    CHECK(readError(bytes) == "spdy: unsupported SPDY version 2");
  }
  SUBCASE("a control frame over the limit fails on its header, before its body is sent") {
    FrameLimits limits;
    limits.maxControlFrameSize = 1024;
    CHECK(readError(controlHeader(3, 1, 0, 1025), limits) ==
          "spdy: SYN_STREAM of 1025 bytes is over the limit of 1024");
  }
  SUBCASE("fixed-size frames of the wrong size") {
    for (uint16_t type : {3, 6, 7, 9}) {
      Bytes bytes = controlHeader(3, type, 0, 12);
      bytes.resize(bytes.size() + 12);
      CHECK(readError(bytes).find("has length 12, must be") != std::string::npos);
    }
  }
  SUBCASE("header frames too short for their fixed part") {
    Bytes bytes = controlHeader(3, 1, 0, 9);
    bytes.resize(bytes.size() + 9);
    CHECK(readError(bytes) == "spdy: SYN_STREAM has length 9, must be at least 10");
  }
  SUBCASE("a SETTINGS count its length cannot hold (no allocation for it)") {
    Bytes bytes = controlHeader(3, 4, 0, 12);
    bytes.insert(bytes.end(), {0x20, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 1});
    CHECK(readError(bytes) == "spdy: SETTINGS of length 12 cannot hold 536870912 entries");
  }
  SUBCASE("a header block that is not zlib") {
    Bytes bytes = controlHeader(3, 2, 0, 10);
    bytes.insert(bytes.end(), {0, 0, 0, 1, 'g', 'a', 'r', 'b', 'a', 'g'});
    CHECK(readError(bytes).starts_with("spdy: header block is corrupt"));
  }
  SUBCASE("after an error every call throws it again") {
    FrameReader reader;
    Bytes bytes = controlHeader(4, 6, 0, 4);
    bytes.insert(bytes.end(), {0, 0, 0, 1});
    reader.append(bytes);
    CHECK_THROWS_AS(reader.next(), crix::Error);
    Bytes ping;
    writePing(ping, {1});
    reader.append(ping);
    const auto again = crix::test::errorOf([&] { reader.next(); });
    CHECK(again.code() == StatusCode::InvalidArgument);
    CHECK(std::string(again.what()) == "spdy: unsupported SPDY version 4");
  }
}

TEST_CASE("the writer refuses what the wire cannot carry") {
  Bytes out;
  CHECK(crix::test::codeOf([&] { writeWindowUpdate(out, {1, 0}); }) == StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { writeWindowUpdate(out, {1, 0x80000000u}); }) == StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { writeRstStream(out, {0x80000000u, RstStatus::Cancel}); }) ==
        StatusCode::InvalidArgument);
  CHECK(crix::test::codeOf([&] { writeData(out, 0, {}, true); }) == StatusCode::InvalidArgument);
  FrameWriter writer;
  CHECK(crix::test::codeOf([&] { writer.synStream(out, SynStreamFrame{1, 0, 8, 0, false, false, {}}); }) ==
        StatusCode::InvalidArgument);
  CHECK(out.empty());
}

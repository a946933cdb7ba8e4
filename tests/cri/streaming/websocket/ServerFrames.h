// Test helper: splits what a WebSocketConnection wrote into frames, checking
// they are the unmasked, well-formed frames a client must be able to read.
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "cri/streaming/websocket/WebSocketFrame.h"

namespace crix::streaming::test {

struct ServerFrame {
  bool fin = true;
  uint8_t opcode = 0;
  std::string payload;

  uint16_t closeCode() const {
    REQUIRE(payload.size() >= 2);
    return static_cast<uint16_t>((static_cast<uint8_t>(payload[0]) << 8) | static_cast<uint8_t>(payload[1]));
  }
};

inline std::vector<ServerFrame> splitServerFrames(const std::string& bytes) {
  std::vector<ServerFrame> frames;
  size_t at = 0;
  while (at < bytes.size()) {
    REQUIRE(bytes.size() - at >= 2);
    ServerFrame frame;
    const uint8_t first = static_cast<uint8_t>(bytes[at]);
    const uint8_t second = static_cast<uint8_t>(bytes[at + 1]);
    frame.fin = (first & 0x80) != 0;
    frame.opcode = first & 0x0f;
    REQUIRE((first & 0x70) == 0);
    REQUIRE((second & 0x80) == 0);  // servers never mask
    uint64_t length = second & 0x7f;
    at += 2;
    const int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
    if (extra) {
      REQUIRE(bytes.size() - at >= static_cast<size_t>(extra));
      length = 0;
      for (int i = 0; i < extra; ++i) length = (length << 8) | static_cast<uint8_t>(bytes[at + i]);
      // The shortest encoding, as RFC 6455 5.2 requires of the sender.
      CHECK(length > (extra == 2 ? 125u : 65535u));
      at += extra;
    }
    REQUIRE(bytes.size() - at >= length);
    frame.payload = bytes.substr(at, length);
    at += length;
    frames.push_back(std::move(frame));
  }
  return frames;
}

}  // namespace crix::streaming::test

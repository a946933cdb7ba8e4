// The client end of a SPDY session for tests that run from memory: builds
// client frames with its own zlib context and parses what the server wrote.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "cri/streaming/spdy/SpdyFrameReader.h"
#include "cri/streaming/spdy/SpdyFrameWriter.h"
#include "cri/streaming/spdy/SpdySession.h"

namespace crix::spdy::test {

class TestPeer {
 public:
  Bytes synStream(uint32_t id, const HeaderBlock& headers, bool fin = false, bool unidirectional = false);
  Bytes headers(uint32_t id, const HeaderBlock& headers, bool fin = false);
  Bytes synReply(uint32_t id, const HeaderBlock& headers, bool fin = false);

  // Every frame in `serverOutput`, DATA pieces joined into whole frames.
  std::vector<Frame> read(std::span<const uint8_t> serverOutput);

 private:
  FrameWriter writer_;
  FrameReader reader_;
};

Bytes dataFrame(uint32_t id, std::string_view bytes, bool fin = false);
Bytes pingFrame(uint32_t id);
Bytes rstFrame(uint32_t id, RstStatus status);
Bytes windowUpdateFrame(uint32_t id, uint32_t delta);
Bytes settingsFrame(uint32_t id, uint32_t value);
Bytes concat(std::initializer_list<Bytes> parts);
std::string text(const std::vector<uint8_t>& bytes);
std::span<const uint8_t> bytesOf(std::string_view s);
// `n` bytes of a pattern that shows misordering.
std::string pattern(size_t n, size_t seed = 0);

template <class T>
std::vector<T> only(const std::vector<Frame>& frames) {
  std::vector<T> out;
  for (const auto& f : frames)
    if (const T* t = std::get_if<T>(&f)) out.push_back(*t);
  return out;
}

template <class T>
std::vector<T> only(const std::vector<SessionEvent>& events) {
  std::vector<T> out;
  for (const auto& e : events)
    if (const T* t = std::get_if<T>(&e)) out.push_back(*t);
  return out;
}

// The DATA payload the frames carry for `streamId`, joined.
std::string dataOf(const std::vector<Frame>& frames, uint32_t streamId);
// The StreamData payload the events carry for `streamId`, joined.
std::string dataOf(const std::vector<SessionEvent>& events, uint32_t streamId);

}  // namespace crix::spdy::test

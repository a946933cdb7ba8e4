#include "tests/cri/streaming/spdy/SpdyTestPeer.h"

namespace crix::spdy::test {

Bytes TestPeer::synStream(uint32_t id, const HeaderBlock& headers, bool fin, bool unidirectional) {
  Bytes out;
  writer_.synStream(out, SynStreamFrame{id, 0, 3, 0, fin, unidirectional, headers});
  return out;
}

Bytes TestPeer::headers(uint32_t id, const HeaderBlock& headers, bool fin) {
  Bytes out;
  writer_.headers(out, HeadersFrame{id, fin, headers});
  return out;
}

Bytes TestPeer::synReply(uint32_t id, const HeaderBlock& headers, bool fin) {
  Bytes out;
  writer_.synReply(out, SynReplyFrame{id, fin, headers});
  return out;
}

std::vector<Frame> TestPeer::read(std::span<const uint8_t> serverOutput) {
  reader_.append(serverOutput);
  std::vector<Frame> frames;
  bool joining = false;
  while (auto frame = reader_.next()) {
    if (auto* piece = std::get_if<DataFrame>(&*frame); piece && joining) {
      auto& whole = std::get<DataFrame>(frames.back());
      whole.bytes.insert(whole.bytes.end(), piece->bytes.begin(), piece->bytes.end());
      whole.fin = piece->fin;
      whole.endOfFrame = piece->endOfFrame;
    } else {
      frames.push_back(std::move(*frame));
    }
    auto* last = std::get_if<DataFrame>(&frames.back());
    joining = last && !last->endOfFrame;
  }
  return frames;
}

Bytes dataFrame(uint32_t id, std::string_view bytes, bool fin) {
  Bytes out;
  writeData(out, id, std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), fin);
  return out;
}

Bytes pingFrame(uint32_t id) {
  Bytes out;
  writePing(out, {id});
  return out;
}

Bytes rstFrame(uint32_t id, RstStatus status) {
  Bytes out;
  writeRstStream(out, {id, status});
  return out;
}

Bytes windowUpdateFrame(uint32_t id, uint32_t delta) {
  // Built by hand: the writer refuses a delta of 0, which tests send.
  Bytes out = {0x80, 0x03, 0x00, 0x09, 0x00, 0x00, 0x00, 0x08};
  for (uint32_t v : {id, delta})
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
  return out;
}

Bytes settingsFrame(uint32_t id, uint32_t value) {
  Bytes out;
  writeSettings(out, SettingsFrame{false, {Setting{0, id, value}}});
  return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

std::string text(const std::vector<uint8_t>& bytes) { return std::string(bytes.begin(), bytes.end()); }

std::span<const uint8_t> bytesOf(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string pattern(size_t n, size_t seed) {
  std::string out(n, '\0');
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 251 + seed) % 26);
  return out;
}

std::string dataOf(const std::vector<Frame>& frames, uint32_t streamId) {
  std::string out;
  for (const auto& d : only<DataFrame>(frames))
    if (d.streamId == streamId) out += text(d.bytes);
  return out;
}

std::string dataOf(const std::vector<SessionEvent>& events, uint32_t streamId) {
  std::string out;
  for (const auto& d : only<StreamData>(events))
    if (d.streamId == streamId) out += text(d.bytes);
  return out;
}

}  // namespace crix::spdy::test

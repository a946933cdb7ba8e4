#include "cri/streaming/spdy/SpdyFrameWriter.h"

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyWire.h"

namespace crix::spdy {

namespace {

void controlHeader(Bytes& out, FrameType type, uint8_t flags, size_t length) {
  if (length > kMaxFrameLength)
    throw Error::invalidArgument("spdy: " + std::string(frameTypeName(static_cast<uint16_t>(type))) + " of " +
                                 std::to_string(length) + " bytes does not fit a frame");
  appendU16(out, static_cast<uint16_t>(0x8000 | kVersion));
  appendU16(out, static_cast<uint16_t>(type));
  out.push_back(flags);
  appendU24(out, static_cast<uint32_t>(length));
}

uint32_t streamIdField(uint32_t id) {
  if (id > kMaxStreamId) throw Error::invalidArgument("spdy: stream id " + std::to_string(id) + " is over 31 bits");
  return id;
}

void headerFrame(Bytes& out, FrameType type, uint8_t flags, const Bytes& prefix, const std::string& block) {
  controlHeader(out, type, flags, prefix.size() + block.size());
  out.insert(out.end(), prefix.begin(), prefix.end());
  out.insert(out.end(), block.begin(), block.end());
}

}  // namespace

void FrameWriter::synStream(Bytes& out, const SynStreamFrame& f) {
  if (f.priority > 7) throw Error::invalidArgument("spdy: priority " + std::to_string(f.priority) + " is over 7");
  Bytes prefix;
  appendU32(prefix, streamIdField(f.streamId));
  appendU32(prefix, streamIdField(f.associatedTo));
  prefix.push_back(static_cast<uint8_t>(f.priority << 5));
  prefix.push_back(f.slot);
  const uint8_t flags = (f.fin ? kFlagFin : 0) | (f.unidirectional ? kFlagUnidirectional : 0);
  headerFrame(out, FrameType::SynStream, flags, prefix, deflater_.compress(encodeHeaderBlock(f.headers)));
}

void FrameWriter::synReply(Bytes& out, const SynReplyFrame& f) {
  Bytes prefix;
  appendU32(prefix, streamIdField(f.streamId));
  headerFrame(out, FrameType::SynReply, f.fin ? kFlagFin : 0, prefix, deflater_.compress(encodeHeaderBlock(f.headers)));
}

void FrameWriter::headers(Bytes& out, const HeadersFrame& f) {
  Bytes prefix;
  appendU32(prefix, streamIdField(f.streamId));
  headerFrame(out, FrameType::Headers, f.fin ? kFlagFin : 0, prefix, deflater_.compress(encodeHeaderBlock(f.headers)));
}

void writeRstStream(Bytes& out, const RstStreamFrame& f) {
  const uint32_t id = streamIdField(f.streamId);
  controlHeader(out, FrameType::RstStream, 0, 8);
  appendU32(out, id);
  appendU32(out, static_cast<uint32_t>(f.status));
}

void writeSettings(Bytes& out, const SettingsFrame& f) {
  for (const Setting& s : f.entries)
    if (s.id > 0xffffff) throw Error::invalidArgument("spdy: setting id " + std::to_string(s.id) + " is over 24 bits");
  controlHeader(out, FrameType::Settings, f.clearSettings ? kFlagClearSettings : 0, 4 + 8 * f.entries.size());
  appendU32(out, static_cast<uint32_t>(f.entries.size()));
  for (const Setting& s : f.entries) {
    out.push_back(s.flags);
    appendU24(out, s.id);
    appendU32(out, s.value);
  }
}

void writePing(Bytes& out, const PingFrame& f) {
  controlHeader(out, FrameType::Ping, 0, 4);
  appendU32(out, f.id);
}

void writeGoAway(Bytes& out, const GoAwayFrame& f) {
  const uint32_t lastGood = streamIdField(f.lastGoodStreamId);
  controlHeader(out, FrameType::GoAway, 0, 8);
  appendU32(out, lastGood);
  appendU32(out, static_cast<uint32_t>(f.status));
}

void writeWindowUpdate(Bytes& out, const WindowUpdateFrame& f) {
  if (f.delta == 0 || f.delta > static_cast<uint32_t>(kMaxWindowSize))
    throw Error::invalidArgument("spdy: window delta " + std::to_string(f.delta) + " is not in 1..2^31-1");
  const uint32_t id = streamIdField(f.streamId);
  controlHeader(out, FrameType::WindowUpdate, 0, 8);
  appendU32(out, id);
  appendU32(out, f.delta);
}

void writeData(Bytes& out, uint32_t streamId, std::span<const uint8_t> bytes, bool fin) {
  if (streamId == 0) throw Error::invalidArgument("spdy: DATA on stream 0");
  if (bytes.size() > kMaxFrameLength)
    throw Error::invalidArgument("spdy: DATA of " + std::to_string(bytes.size()) + " bytes does not fit a frame");
  appendU32(out, streamIdField(streamId));
  out.push_back(fin ? kFlagFin : 0);
  appendU24(out, static_cast<uint32_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

}  // namespace crix::spdy

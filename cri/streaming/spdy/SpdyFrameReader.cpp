#include "cri/streaming/spdy/SpdyFrameReader.h"

#include <algorithm>

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyWire.h"

namespace crix::spdy {

namespace {

Error framing(const std::string& what) { return Error::invalidArgument("spdy: " + what); }

void requireLength(uint16_t type, std::span<const uint8_t> body, size_t exact) {
  if (body.size() != exact)
    throw framing(std::string(frameTypeName(type)) + " has length " + std::to_string(body.size()) + ", must be " +
                  std::to_string(exact));
}

void requireAtLeast(uint16_t type, std::span<const uint8_t> body, size_t minimum) {
  if (body.size() < minimum)
    throw framing(std::string(frameTypeName(type)) + " has length " + std::to_string(body.size()) +
                  ", must be at least " + std::to_string(minimum));
}

uint32_t streamIdAt(const uint8_t* p) { return readU32(p) & kMaxStreamId; }

}  // namespace

FrameReader::FrameReader(const FrameLimits& limits) : limits_(limits), inflater_(limits.headers.maxDecodedSize) {}

void FrameReader::append(std::span<const uint8_t> bytes) {
  // Drop what was parsed before growing, so the buffer stays about one
  // frame long however long the session lives.
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
    buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
}

std::optional<Frame> FrameReader::next() {
  if (failure_) throw Error::invalidArgument(*failure_);
  try {
    if (data_.active) return nextDataPiece();
    if (buffered() < kFrameHeaderSize) return std::nullopt;
    const uint8_t* head = buffer_.data() + pos_;
    const uint8_t flags = head[4];
    const uint32_t length = readU24(head + 5);
    if (head[0] & 0x80) {
      const uint16_t version = readU16(head) & 0x7fff;
      const uint16_t type = readU16(head + 2);
      if (version != kVersion) throw framing("unsupported SPDY version " + std::to_string(version));
      if (length > limits_.maxControlFrameSize)
        throw framing(std::string(frameTypeName(type)) + " of " + std::to_string(length) +
                      " bytes is over the limit of " + std::to_string(limits_.maxControlFrameSize));
      if (buffered() < kFrameHeaderSize + length) return std::nullopt;
      std::span<const uint8_t> body(head + kFrameHeaderSize, length);
      pos_ += kFrameHeaderSize + length;
      return parseControl(type, flags, body);
    }
    data_.active = true;
    data_.streamId = streamIdAt(head);
    data_.fin = (flags & kFlagFin) != 0;
    data_.remaining = length;
    pos_ += kFrameHeaderSize;
    if (length == 0) {
      data_.active = false;
      return DataFrame{data_.streamId, data_.fin, true, {}};
    }
    return nextDataPiece();
  } catch (const Error& e) {
    failure_ = e.what();
    throw;
  }
}

std::optional<Frame> FrameReader::nextDataPiece() {
  const size_t n = std::min<size_t>(buffered(), data_.remaining);
  if (n == 0) return std::nullopt;
  DataFrame piece;
  piece.streamId = data_.streamId;
  piece.bytes.assign(buffer_.begin() + static_cast<std::ptrdiff_t>(pos_),
                     buffer_.begin() + static_cast<std::ptrdiff_t>(pos_ + n));
  pos_ += n;
  data_.remaining -= static_cast<uint32_t>(n);
  piece.endOfFrame = data_.remaining == 0;
  piece.fin = piece.endOfFrame && data_.fin;
  if (piece.endOfFrame) data_.active = false;
  return piece;
}

HeaderBlock FrameReader::readHeaderBlock(std::span<const uint8_t> compressed) {
  const std::string block = inflater_.decompress(compressed);
  return decodeHeaderBlock(std::span(reinterpret_cast<const uint8_t*>(block.data()), block.size()), limits_.headers);
}

Frame FrameReader::parseControl(uint16_t type, uint8_t flags, std::span<const uint8_t> body) {
  const uint8_t* p = body.data();
  switch (static_cast<FrameType>(type)) {
    case FrameType::SynStream: {
      requireAtLeast(type, body, 10);
      SynStreamFrame f;
      f.streamId = streamIdAt(p);
      f.associatedTo = streamIdAt(p + 4);
      f.priority = static_cast<uint8_t>(p[8] >> 5);
      f.slot = p[9];
      f.fin = (flags & kFlagFin) != 0;
      f.unidirectional = (flags & kFlagUnidirectional) != 0;
      f.headers = readHeaderBlock(body.subspan(10));
      return f;
    }
    case FrameType::SynReply: {
      requireAtLeast(type, body, 4);
      return SynReplyFrame{streamIdAt(p), (flags & kFlagFin) != 0, readHeaderBlock(body.subspan(4))};
    }
    case FrameType::Headers: {
      requireAtLeast(type, body, 4);
      return HeadersFrame{streamIdAt(p), (flags & kFlagFin) != 0, readHeaderBlock(body.subspan(4))};
    }
    case FrameType::RstStream:
      requireLength(type, body, 8);
      return RstStreamFrame{streamIdAt(p), static_cast<RstStatus>(readU32(p + 4))};
    case FrameType::Settings: {
      requireAtLeast(type, body, 4);
      const uint32_t count = readU32(p);
      if (count > (body.size() - 4) / 8 || body.size() != 4 + 8 * size_t{count})
        throw framing("SETTINGS of length " + std::to_string(body.size()) + " cannot hold " + std::to_string(count) +
                      " entries");
      SettingsFrame f;
      f.clearSettings = (flags & kFlagClearSettings) != 0;
      f.entries.reserve(count);
      for (uint32_t i = 0; i < count; ++i) {
        const uint8_t* e = p + 4 + 8 * size_t{i};
        f.entries.push_back(Setting{e[0], readU24(e + 1), readU32(e + 4)});
      }
      return f;
    }
    case FrameType::Ping:
      requireLength(type, body, 4);
      return PingFrame{readU32(p)};
    case FrameType::GoAway:
      requireLength(type, body, 8);
      return GoAwayFrame{streamIdAt(p), static_cast<GoAwayStatus>(readU32(p + 4))};
    case FrameType::WindowUpdate:
      requireLength(type, body, 8);
      return WindowUpdateFrame{streamIdAt(p), readU32(p + 4) & 0x7fffffff};
  }
  return UnknownControlFrame{type, flags, static_cast<uint32_t>(body.size())};
}

}  // namespace crix::spdy

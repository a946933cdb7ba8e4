// SPDY/3 frames as values: what the reader yields and the writer takes.
// Header blocks appear decompressed here; the reader and writer own the
// session's zlib contexts.
#pragma once

#include <cstdint>
#include <variant>
#include <vector>

#include "cri/streaming/spdy/SpdyHeaderBlock.h"
#include "cri/streaming/spdy/SpdyProtocol.h"

namespace crix::spdy {

struct SynStreamFrame {
  uint32_t streamId = 0;
  uint32_t associatedTo = 0;
  uint8_t priority = 0;  // 0 (highest) to 7
  uint8_t slot = 0;
  bool fin = false;
  bool unidirectional = false;
  HeaderBlock headers;
  bool operator==(const SynStreamFrame&) const = default;
};

struct SynReplyFrame {
  uint32_t streamId = 0;
  bool fin = false;
  HeaderBlock headers;
  bool operator==(const SynReplyFrame&) const = default;
};

struct RstStreamFrame {
  uint32_t streamId = 0;
  RstStatus status = RstStatus::Cancel;  // may hold a value outside the enum
  bool operator==(const RstStreamFrame&) const = default;
};

struct Setting {
  uint8_t flags = 0;
  uint32_t id = 0;  // 24 bits; see SettingId
  uint32_t value = 0;
  bool operator==(const Setting&) const = default;
};

struct SettingsFrame {
  bool clearSettings = false;
  std::vector<Setting> entries;
  bool operator==(const SettingsFrame&) const = default;
};

struct PingFrame {
  uint32_t id = 0;
  bool operator==(const PingFrame&) const = default;
};

struct GoAwayFrame {
  uint32_t lastGoodStreamId = 0;
  GoAwayStatus status = GoAwayStatus::Ok;  // may hold a value outside the enum
  bool operator==(const GoAwayFrame&) const = default;
};

struct HeadersFrame {
  uint32_t streamId = 0;
  bool fin = false;
  HeaderBlock headers;
  bool operator==(const HeadersFrame&) const = default;
};

struct WindowUpdateFrame {
  uint32_t streamId = 0;  // 0: the whole session (SPDY/3.1)
  uint32_t delta = 0;     // 31 bits on the wire; 0 is invalid
  bool operator==(const WindowUpdateFrame&) const = default;
};

// DATA arrives in pieces as its bytes do (a DATA frame may be up to 16 MiB
// and is never held whole): `fin` is set on the piece that ends a frame with
// the FIN flag; `endOfFrame` on the last piece of every frame. A frame of
// length 0 gives one empty piece.
struct DataFrame {
  uint32_t streamId = 0;
  bool fin = false;
  bool endOfFrame = true;
  std::vector<uint8_t> bytes;
  bool operator==(const DataFrame&) const = default;
};

// A control frame type SPDY/3 does not define (or CREDENTIAL): its body was
// skipped, as the spec says to.
struct UnknownControlFrame {
  uint16_t type = 0;
  uint8_t flags = 0;
  uint32_t length = 0;
  bool operator==(const UnknownControlFrame&) const = default;
};

using Frame = std::variant<SynStreamFrame, SynReplyFrame, RstStreamFrame, SettingsFrame, PingFrame, GoAwayFrame,
                           HeadersFrame, WindowUpdateFrame, DataFrame, UnknownControlFrame>;

}  // namespace crix::spdy

// Incremental SPDY/3 frame parser: bytes go in as they arrive, whole control
// frames and pieces of DATA frames come out. The reader holds at most one
// control frame (bounded by FrameLimits) plus what was appended and not yet
// parsed; DATA is handed out as it arrives, never held whole.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cri/streaming/spdy/SpdyFrame.h"
#include "cri/streaming/spdy/SpdyHeaderCompression.h"

namespace crix::spdy {

struct FrameLimits {
  // A control frame's length field; bigger frames end the session.
  uint32_t maxControlFrameSize = 2 * 1024 * 1024;
  HeaderLimits headers;
};

class FrameReader {
 public:
  explicit FrameReader(const FrameLimits& limits = {});

  void append(std::span<const uint8_t> bytes);

  // The next control frame or DATA piece; nullopt when more bytes are
  // needed. Throws crix::Error (InvalidArgument, message starting "spdy:")
  // when the peer broke the framing (wrong version, control frame over the
  // limit, a fixed-size frame of the wrong size, a bad header block). The
  // byte stream cannot be resynchronized after that: every later call
  // throws the same error.
  std::optional<Frame> next();

  // Bytes appended and not yet returned as frames.
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  Frame parseControl(uint16_t type, uint8_t flags, std::span<const uint8_t> body);
  HeaderBlock readHeaderBlock(std::span<const uint8_t> compressed);
  std::optional<Frame> nextDataPiece();

  FrameLimits limits_;
  HeaderInflater inflater_;
  std::vector<uint8_t> buffer_;
  size_t pos_ = 0;
  // The DATA frame whose payload is being handed out.
  struct {
    bool active = false;
    uint32_t streamId = 0;
    bool fin = false;
    uint32_t remaining = 0;
  } data_;
  std::optional<std::string> failure_;
};

}  // namespace crix::spdy

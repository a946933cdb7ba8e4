// Serializes SPDY/3 frames, appending them to a byte buffer. Frames with a
// header block go through the writer's deflate context, so one session uses
// exactly one FrameWriter, in wire order.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "cri/streaming/spdy/SpdyFrame.h"
#include "cri/streaming/spdy/SpdyHeaderCompression.h"

namespace crix::spdy {

using Bytes = std::vector<uint8_t>;

class FrameWriter {
 public:
  void synStream(Bytes& out, const SynStreamFrame& frame);
  void synReply(Bytes& out, const SynReplyFrame& frame);
  void headers(Bytes& out, const HeadersFrame& frame);

 private:
  HeaderDeflater deflater_;
};

// Frames without a header block need no session context. Each throws
// crix::Error (InvalidArgument) for values the wire cannot carry, and then
// leaves `out` as it was.
void writeRstStream(Bytes& out, const RstStreamFrame& frame);
void writeSettings(Bytes& out, const SettingsFrame& frame);
void writePing(Bytes& out, const PingFrame& frame);
void writeGoAway(Bytes& out, const GoAwayFrame& frame);
void writeWindowUpdate(Bytes& out, const WindowUpdateFrame& frame);
void writeData(Bytes& out, uint32_t streamId, std::span<const uint8_t> bytes, bool fin);

}  // namespace crix::spdy

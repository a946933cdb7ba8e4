#include "storage/layer/IsalGzipDecoder.h"

#include <isa-l/igzip_lib.h>

#include <string>

#include "core/Error.h"

namespace crix::layer {

namespace {

std::string inflateErrorName(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid lookback distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method";
    case ISAL_INCORRECT_CHECKSUM: return "checksum mismatch";
    case ISAL_NEED_DICT: return "preset dictionary required";
    default: return "error " + std::to_string(rc);
  }
}

}  // namespace

IsalGzipDecoder::IsalGzipDecoder(ChunkStream& input, UnpackTimings& timings, size_t bufferSize)
    : input_(input), timings_(timings), state_(std::make_unique<inflate_state>()), output_(bufferSize) {
  isal_inflate_init(state_.get());
  state_->crc_flag = ISAL_GZIP;
}

IsalGzipDecoder::~IsalGzipDecoder() = default;

bool IsalGzipDecoder::pullInput() {
  if (inputEnded_) return false;
  const auto chunk = input_.next();
  if (chunk.empty()) {
    inputEnded_ = true;
    return false;
  }
  // ISA-L's API is not const-correct; it never writes through next_in.
  state_->next_in = reinterpret_cast<uint8_t*>(const_cast<std::byte*>(chunk.data()));
  state_->avail_in = static_cast<uint32_t>(chunk.size());
  return true;
}

bool IsalGzipDecoder::startNextMember() {
  if (state_->avail_in == 0 && !pullInput()) return false;
  // Only another gzip member may follow: trailing garbage would otherwise be
  // silently covered by the blob digest but never unpacked.
  if (state_->next_in[0] != 0x1f)
    throw Error::dataLoss("gzip layer: unexpected data after the end of the compressed stream");
  // Reset clears the input fields and the wrapper mode; keep both.
  uint8_t* nextIn = state_->next_in;
  const uint32_t availIn = state_->avail_in;
  isal_inflate_reset(state_.get());
  state_->next_in = nextIn;
  state_->avail_in = availIn;
  state_->crc_flag = ISAL_GZIP;
  return true;
}

std::span<const std::byte> IsalGzipDecoder::next() {
  ExclusiveTimer timer(timings_, &UnpackTimings::decompressing);
  while (!done_) {
    if (state_->block_state == ISAL_BLOCK_FINISH && !startNextMember()) {
      done_ = true;
      break;
    }
    const uint32_t availInBefore = state_->avail_in;
    state_->next_out = reinterpret_cast<uint8_t*>(output_.data());
    state_->avail_out = static_cast<uint32_t>(output_.size());
    // Called even without new input: output held back by a full buffer last
    // time is flushed first.
    const int rc = isal_inflate(state_.get());
    if (rc != ISAL_DECOMP_OK)
      throw Error::dataLoss("gzip layer: corrupt compressed stream: " + inflateErrorName(rc));
    const size_t produced = output_.size() - state_->avail_out;
    if (produced > 0) return {output_.data(), produced};
    if (state_->block_state == ISAL_BLOCK_FINISH) continue;
    if (state_->avail_in == 0) {
      if (!pullInput()) throw Error::dataLoss("gzip layer: compressed stream is truncated");
    } else if (state_->avail_in == availInBefore) {
      throw Error::dataLoss("gzip layer: decompression made no progress");
    }
  }
  return {};
}

}  // namespace crix::layer

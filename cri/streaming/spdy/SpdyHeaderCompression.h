// zlib header compression as SPDY/3 does it: one deflate stream for
// everything a session sends and one inflate stream for everything it
// receives, both primed with the SPDY dictionary, each block ending on a
// Z_SYNC_FLUSH so the peer can decode it without the next one. The contexts
// carry over from block to block, so every block must go through them in
// wire order, also the blocks of frames that end up rejected.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace crix::spdy {

class HeaderDeflater {
 public:
  HeaderDeflater();
  ~HeaderDeflater();
  HeaderDeflater(const HeaderDeflater&) = delete;
  HeaderDeflater& operator=(const HeaderDeflater&) = delete;

  // Compresses one uncompressed block (see SpdyHeaderBlock.h).
  std::string compress(std::string_view block);

 private:
  z_stream stream_{};
};

class HeaderInflater {
 public:
  // `maxOutput` bounds what one block may decompress to: a few bytes of
  // deflate can claim megabytes.
  explicit HeaderInflater(size_t maxOutput);
  ~HeaderInflater();
  HeaderInflater(const HeaderInflater&) = delete;
  HeaderInflater& operator=(const HeaderInflater&) = delete;

  // Decompresses one block. Throws crix::Error (InvalidArgument, "spdy: ...")
  // on corrupt data, a wrong dictionary or output over the bound; the
  // context is unusable afterwards, which ends the session anyway.
  std::string decompress(std::span<const uint8_t> compressed);

 private:
  z_stream stream_{};
  size_t maxOutput_;
  bool ended_ = false;
};

}  // namespace crix::spdy

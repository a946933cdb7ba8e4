#include "cri/streaming/spdy/SpdyHeaderCompression.h"

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyDictionary.h"

namespace crix::spdy {

namespace {

// Our blocks are small and the dictionary is 1423 bytes: a 2 KiB window
// keeps a session's deflate state small (as spdy-transport does too).
constexpr int kDeflateWindowBits = 11;
// Inflate must accept whatever window the peer chose.
constexpr int kInflateWindowBits = 15;

Error zlibError(const std::string& what, const z_stream& s, int ret) {
  return Error::invalidArgument("spdy: header block " + what + ": " + (s.msg ? s.msg : zError(ret)));
}

}  // namespace

HeaderDeflater::HeaderDeflater() {
  if (deflateInit2(&stream_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, kDeflateWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw Error::internal("spdy: cannot set up zlib deflate");
  const auto dict = headerDictionary();
  if (deflateSetDictionary(&stream_, dict.data(), static_cast<uInt>(dict.size())) != Z_OK) {
    deflateEnd(&stream_);
    throw Error::internal("spdy: cannot set the zlib dictionary");
  }
}

HeaderDeflater::~HeaderDeflater() { deflateEnd(&stream_); }

std::string HeaderDeflater::compress(std::string_view block) {
  std::string out;
  stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.data()));
  stream_.avail_in = static_cast<uInt>(block.size());
  // Z_SYNC_FLUSH ends when deflate leaves room in the output buffer.
  do {
    char buf[4096];
    stream_.next_out = reinterpret_cast<Bytef*>(buf);
    stream_.avail_out = sizeof buf;
    const int ret = deflate(&stream_, Z_SYNC_FLUSH);
    if (ret != Z_OK && ret != Z_BUF_ERROR) throw Error::internal("spdy: zlib deflate failed");
    out.append(buf, sizeof buf - stream_.avail_out);
  } while (stream_.avail_out == 0);
  return out;
}

HeaderInflater::HeaderInflater(size_t maxOutput) : maxOutput_(maxOutput) {
  if (inflateInit2(&stream_, kInflateWindowBits) != Z_OK) throw Error::internal("spdy: cannot set up zlib inflate");
}

HeaderInflater::~HeaderInflater() { inflateEnd(&stream_); }

std::string HeaderInflater::decompress(std::span<const uint8_t> compressed) {
  if (ended_) throw Error::invalidArgument("spdy: header block after the peer ended its zlib stream");
  std::string out;
  stream_.next_in = const_cast<Bytef*>(compressed.data());
  stream_.avail_in = static_cast<uInt>(compressed.size());
  for (;;) {
    char buf[16384];
    stream_.next_out = reinterpret_cast<Bytef*>(buf);
    stream_.avail_out = sizeof buf;
    int ret = inflate(&stream_, Z_SYNC_FLUSH);
    if (ret == Z_NEED_DICT) {
      const auto dict = headerDictionary();
      ret = inflateSetDictionary(&stream_, dict.data(), static_cast<uInt>(dict.size()));
      if (ret != Z_OK) throw zlibError("asks for a dictionary that is not SPDY's", stream_, ret);
      continue;
    }
    const size_t produced = sizeof buf - stream_.avail_out;
    if (produced > maxOutput_ - out.size())
      throw Error::invalidArgument("spdy: header block decompresses to more than " + std::to_string(maxOutput_) +
                                   " bytes");
    out.append(buf, produced);
    if (ret == Z_STREAM_END) {
      ended_ = true;
      if (stream_.avail_in != 0) throw Error::invalidArgument("spdy: bytes after the end of the header zlib stream");
      return out;
    }
    if (ret == Z_BUF_ERROR) {
      // No progress was possible: fine once all input is used, a truncated
      // block otherwise cannot happen since all of it was given.
      if (stream_.avail_in == 0) return out;
      throw zlibError("is truncated", stream_, ret);
    }
    if (ret != Z_OK) throw zlibError("is corrupt", stream_, ret);
    if (stream_.avail_in == 0 && stream_.avail_out != 0) return out;
  }
}

}  // namespace crix::spdy

// The zlib preset dictionary SPDY/3 defines for header block compression
// (both directions prime their deflate/inflate streams with it).
#pragma once

#include <cstdint>
#include <span>

namespace crix::spdy {

// 1423 bytes, built once.
std::span<const uint8_t> headerDictionary();

}  // namespace crix::spdy

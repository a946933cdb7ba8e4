// Big-endian field access for the SPDY framing, which is all network order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crix::spdy {

inline uint32_t readU32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}
inline uint32_t readU24(const uint8_t* p) { return (uint32_t{p[0]} << 16) | (uint32_t{p[1]} << 8) | uint32_t{p[2]}; }
inline uint16_t readU16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

template <class Buffer>
void appendU32(Buffer& out, uint32_t v) {
  out.push_back(static_cast<typename Buffer::value_type>(v >> 24));
  out.push_back(static_cast<typename Buffer::value_type>(v >> 16));
  out.push_back(static_cast<typename Buffer::value_type>(v >> 8));
  out.push_back(static_cast<typename Buffer::value_type>(v));
}
template <class Buffer>
void appendU24(Buffer& out, uint32_t v) {
  out.push_back(static_cast<typename Buffer::value_type>(v >> 16));
  out.push_back(static_cast<typename Buffer::value_type>(v >> 8));
  out.push_back(static_cast<typename Buffer::value_type>(v));
}
template <class Buffer>
void appendU16(Buffer& out, uint16_t v) {
  out.push_back(static_cast<typename Buffer::value_type>(v >> 8));
  out.push_back(static_cast<typename Buffer::value_type>(v));
}

}  // namespace crix::spdy

#include "core/Base64.h"

#include <cstdint>

namespace crix {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                            (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) | std::uint8_t(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    std::uint32_t n = std::uint32_t(std::uint8_t(bytes[i])) << 16;
    if (rest == 2) n |= std::uint32_t(std::uint8_t(bytes[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view text, Base64Padding padding) {
  std::string body;
  body.reserve(text.size());
  for (char c : text)
    if (c != '\r' && c != '\n') body += c;
  const std::size_t total = body.size();
  std::size_t pad = 0;
  while (!body.empty() && body.back() == '=' && pad < 2) body.pop_back(), ++pad;
  if (body.size() % 4 == 1) return std::nullopt;
  if (padding == Base64Padding::Required && (total % 4 != 0 || pad != (4 - body.size() % 4) % 4))
    return std::nullopt;

  std::string out;
  out.reserve(body.size() * 3 / 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : body) {
    const int v = sextet(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | std::uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xff);
    }
  }
  // Canonical form: the bits past the last whole byte are zero ("Zh==" is
  // not "Zg==").
  if (padding == Base64Padding::Required && (buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace crix

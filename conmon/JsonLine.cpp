#include "conmon/JsonLine.h"

#include "conmon/Text.h"

namespace crix::conmon {
namespace {

// Length of the well-formed UTF-8 sequence at the start of `s`, or 0 when the
// first byte does not start one (overlong forms and surrogates included).
size_t utf8SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char b0 = byte(0);
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (s.size() < len || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < len; ++i)
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  return len;
}

}  // namespace

void appendJsonString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  while (!value.empty()) {
    const unsigned char c = static_cast<unsigned char>(value[0]);
    size_t used = 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else if (c < 0x80) {
          out += static_cast<char>(c);
        } else if (size_t len = utf8SequenceLength(value); len > 0) {
          out.append(value.data(), len);
          used = len;
        } else {
          out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
        }
    }
    value.remove_prefix(used);
  }
  out += '"';
}

void JsonLine::addKey(std::string_view key) {
  if (body_.size() > 1) body_ += ", ";
  appendJsonString(body_, key);
  body_ += ": ";
}

JsonLine& JsonLine::addInt(std::string_view key, int64_t value) {
  addKey(key);
  body_ += std::string_view(Decimal(value));
  return *this;
}

JsonLine& JsonLine::addBool(std::string_view key, bool value) {
  addKey(key);
  body_ += value ? "true" : "false";
  return *this;
}

JsonLine& JsonLine::addString(std::string_view key, std::string_view value) {
  addKey(key);
  appendJsonString(body_, value);
  return *this;
}

}  // namespace crix::conmon

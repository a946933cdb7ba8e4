#include "config/TomlText.h"

#include <cstdio>

#include "config/Units.h"

namespace crix::config::toml_text {

std::string quote(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        // TOML forbids raw control characters in basic strings; bytes >= 0x80
        // pass through so UTF-8 text stays readable.
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string key(std::string_view k) {
  const bool bare = !k.empty() && k.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                      "abcdefghijklmnopqrstuvwxyz"
                                                      "0123456789_-") == std::string_view::npos;
  return bare ? std::string(k) : quote(k);
}

std::string join(std::string_view path, std::string_view k) {
  std::string out(path);
  if (!out.empty()) out += '.';
  out += key(k);
  return out;
}

std::string inlineValue(const std::string& v) { return quote(v); }
std::string inlineValue(bool v) { return v ? "true" : "false"; }
std::string inlineValue(std::int64_t v) { return std::to_string(v); }

std::string inlineValue(const StringList& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out += ", ";
    out += quote(v[i]);
  }
  out += ']';
  return out;
}

std::string inlineValue(const StringMap& v) {
  if (v.empty()) return "{}";
  std::string out = "{ ";
  bool first = true;
  for (const auto& [k, val] : v) {
    if (!first) out += ", ";
    first = false;
    out += key(k) + " = " + quote(val);
  }
  out += " }";
  return out;
}

std::string inlineValue(Duration v) { return quote(formatDuration(v)); }
std::string inlineValue(ByteSize v) { return quote(formatByteSize(v)); }

}  // namespace crix::config::toml_text

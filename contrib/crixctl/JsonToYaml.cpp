#include "contrib/crixctl/JsonToYaml.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <limits>
#include <regex>
#include <string_view>
#include <vector>

namespace crixctl {
namespace {

using Json = nlohmann::json;

// ---- Key order ---------------------------------------------------------

bool isAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool isAsciiDigit(char c) { return c >= '0' && c <= '9'; }
// Bytes of multi-byte UTF-8 sequences count as letters: nearly all non-ASCII
// text in keys is letters, and it keeps the order total.
bool isLetter(char c) { return isAsciiLetter(c) || static_cast<unsigned char>(c) >= 0x80; }

// go-yaml v2 orders mapping keys "naturally": letters after other
// characters, and runs of digits by numeric value, so "a2" < "a10".
bool keyLess(const std::string& a, const std::string& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] == b[i]) continue;
    const bool al = isLetter(a[i]);
    const bool bl = isLetter(b[i]);
    if (al && bl) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
    if (al || bl) return bl;
    unsigned long long an = 0, bn = 0;
    if (a[i] == '0' || b[i] == '0') {
      for (std::size_t j = i; j-- > 0 && isAsciiDigit(a[j]);) {
        if (a[j] != '0') {
          an = bn = 1;
          break;
        }
      }
    }
    std::size_t ai = i, bi = i;
    for (; ai < a.size() && isAsciiDigit(a[ai]); ++ai) an = an * 10 + static_cast<unsigned>(a[ai] - '0');
    for (; bi < b.size() && isAsciiDigit(b[bi]); ++bi) bn = bn * 10 + static_cast<unsigned>(b[bi] - '0');
    if (an != bn) return an < bn;
    if (ai != bi) return ai < bi;
    return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[i]);
  }
  return a.size() < b.size();
}

std::vector<std::string> sortedKeys(const Json& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  std::sort(keys.begin(), keys.end(), keyLess);
  return keys;
}

// ---- Scalars -----------------------------------------------------------

// Strings a YAML 1.1 reader would take for something else (bool, null,
// number, timestamp); go-yaml double-quotes them.
bool readsAsNonString(const std::string& s) {
  static constexpr std::array<std::string_view, 40> kWords = {
      "y",    "Y",    "yes",   "Yes",   "YES",   "n",     "N",     "no",    "No",    "NO",
      "true", "True", "TRUE",  "false", "False", "FALSE", "on",    "On",    "ON",    "off",
      "Off",  "OFF",  "~",     "null",  "Null",  "NULL",  ".nan",  ".NaN",  ".NAN",  ".inf",
      ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", "<<",    ""};
  if (std::find(kWords.begin(), kWords.end(), s) != kWords.end()) return true;
  if (s.empty()) return true;
  const char first = s[0];
  if (!(isAsciiDigit(first) || first == '-' || first == '+' || first == '.')) return false;

  std::string plain;
  for (char c : s) {
    if (c != '_') plain += c;
  }
  static const std::regex kNumber(
      R"([-+]?(0b[01]+|0x[0-9a-fA-F]+|0o?[0-7]+|[0-9]+|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?|inf|infinity|nan))",
      std::regex::icase);
  static const std::regex kTimestamp(R"([0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?)");
  return std::regex_match(plain, kNumber) || std::regex_match(s, kTimestamp);
}

// What libyaml's scalar analysis would allow for `s`.
struct ScalarAnalysis {
  bool plainAllowed = true;
  bool singleQuotedAllowed = true;
  bool blockAllowed = true;
  bool multiline = false;
};

// libyaml's notion of printable, for one code point.
bool printable(char32_t c) {
  return c == 0x0A || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
}

// Decodes UTF-8 leniently (a bad byte becomes U+FFFD's stand-in 0x1 so it
// counts as unprintable and forces double quotes).
std::vector<char32_t> codePoints(const std::string& s) {
  std::vector<char32_t> out;
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    int len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > s.size()) {
      out.push_back(1);
      ++i;
      continue;
    }
    char32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (int k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += len;
  }
  return out;
}

ScalarAnalysis analyze(const std::string& s) {
  ScalarAnalysis a;
  if (s.empty()) {
    a.plainAllowed = false;
    a.blockAllowed = false;
    return a;
  }
  const auto cps = codePoints(s);
  const auto blankOrEnd = [&](std::size_t i) { return i >= cps.size() || cps[i] == ' ' || cps[i] == '\t' || cps[i] == '\n'; };
  if (cps.size() >= 3 && ((cps[0] == '-' && cps[1] == '-' && cps[2] == '-') || (cps[0] == '.' && cps[1] == '.' && cps[2] == '.')) &&
      blankOrEnd(3)) {
    a.plainAllowed = false;
  }
  bool special = false, spaceBreak = false, breakSpace = false;
  bool previousSpace = false, previousBreak = false;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    const char32_t c = cps[i];
    if (i == 0) {
      static constexpr std::string_view kIndicators = "#,[]{}&*!|>'\"%@`";
      if (c < 0x80 && kIndicators.find(static_cast<char>(c)) != std::string_view::npos) a.plainAllowed = false;
      if ((c == '?' || c == ':' || c == '-') && blankOrEnd(1)) a.plainAllowed = false;
    } else {
      if (c == ':' && blankOrEnd(i + 1)) a.plainAllowed = false;
      if (c == '#' && (cps[i - 1] == ' ' || cps[i - 1] == '\t' || cps[i - 1] == '\n')) a.plainAllowed = false;
    }
    if (!printable(c)) special = true;
    if (c == '\n') a.multiline = true;
    if (c == ' ') {
      if (i == 0 || i + 1 == cps.size()) a.plainAllowed = false;  // leading / trailing space
      if (i + 1 == cps.size()) a.blockAllowed = false;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (c == '\n') {
      if (i == 0 || i + 1 == cps.size()) a.plainAllowed = false;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = previousBreak = false;
    }
  }
  if (a.multiline) a.plainAllowed = false;
  if (breakSpace) a.plainAllowed = a.singleQuotedAllowed = false;
  if (spaceBreak || special) a.plainAllowed = a.singleQuotedAllowed = a.blockAllowed = false;
  return a;
}

std::string doubleQuoted(const std::string& s) {
  std::string out = "\"";
  for (char32_t c : codePoints(s)) {
    switch (c) {
      case 0: out += "\\0"; continue;
      case 0x07: out += "\\a"; continue;
      case 0x08: out += "\\b"; continue;
      case 0x09: out += "\\t"; continue;
      case 0x0A: out += "\\n"; continue;
      case 0x0B: out += "\\v"; continue;
      case 0x0C: out += "\\f"; continue;
      case 0x0D: out += "\\r"; continue;
      case 0x1B: out += "\\e"; continue;
      case '"': out += "\\\""; continue;
      case '\\': out += "\\\\"; continue;
      case 0x85: out += "\\N"; continue;
      case 0xA0: out += "\\_"; continue;
      case 0x2028: out += "\\L"; continue;
      case 0x2029: out += "\\P"; continue;
      default: break;
    }
    if (!printable(c) || c == 0xFEFF) {
      char buf[16];
      if (c <= 0xFF) {
        std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned>(c));
      } else if (c <= 0xFFFF) {
        std::snprintf(buf, sizeof buf, "\\u%04X", static_cast<unsigned>(c));
      } else {
        std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(c));
      }
      out += buf;
      continue;
    }
    // Re-encode the code point as UTF-8.
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out + "\"";
}

std::string singleQuoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A literal block ("|-" and friends) whose lines are indented by `indent`.
std::string literalBlock(const std::string& s, int indent) {
  std::string out = "|";
  if (s.front() == ' ' || s.front() == '\n') out += "2";
  if (s.back() != '\n') {
    out += "-";
  } else if (s.size() >= 2 && s[s.size() - 2] == '\n') {
    out += "+";
  }
  out += "\n";
  std::string_view body = s;
  if (!body.empty() && body.back() == '\n') body.remove_suffix(1);
  std::size_t start = 0;
  while (true) {
    const std::size_t end = body.find('\n', start);
    const std::string_view line = body.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (!line.empty()) out += std::string(indent, ' ') + std::string(line);
    out += "\n";
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out.pop_back();  // the caller ends the line
  return out;
}

std::string stringScalar(const std::string& s, bool isKey, int indent) {
  const ScalarAnalysis a = analyze(s);
  if (a.multiline) {
    return (!isKey && a.blockAllowed) ? literalBlock(s, indent) : doubleQuoted(s);
  }
  if (readsAsNonString(s)) return doubleQuoted(s);
  if (a.plainAllowed) return s;
  if (a.singleQuotedAllowed) return singleQuoted(s);
  return doubleQuoted(s);
}

// Go's strconv.FormatFloat(f, 'g', -1, 64), which go-yaml uses for floats.
std::string goFloat(double f) {
  if (f != f) return ".nan";
  if (f == std::numeric_limits<double>::infinity()) return ".inf";
  if (f == -std::numeric_limits<double>::infinity()) return "-.inf";
  char sci[64];
  const auto r = std::to_chars(sci, sci + sizeof sci, f, std::chars_format::scientific);
  const std::string scientific(sci, r.ptr);
  const int exponent = std::stoi(scientific.substr(scientific.find('e') + 1));
  if (exponent < -4 || exponent >= 6) return scientific;  // Go's shortest %g switches at 6
  char fixed[400];
  const auto rf = std::to_chars(fixed, fixed + sizeof fixed, f, std::chars_format::fixed);
  return std::string(fixed, rf.ptr);
}

std::string scalarText(const Json& v, int indent) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return v.dump();
    case Json::value_t::number_float: return goFloat(v.get<double>());
    case Json::value_t::string: return stringScalar(v.get<std::string>(), false, indent);
    case Json::value_t::object: return "{}";
    case Json::value_t::array: return "[]";
    default: return v.dump();
  }
}

bool isNonEmptyContainer(const Json& v) { return (v.is_object() || v.is_array()) && !v.empty(); }

// ---- Layout ------------------------------------------------------------

class Writer {
 public:
  std::string out;

  // `inlineFirst`: the first entry continues the current line (after "- ").
  void mapping(const Json& object, int indent, bool inlineFirst) {
    bool first = true;
    for (const auto& key : sortedKeys(object)) {
      if (!(first && inlineFirst)) out += std::string(indent, ' ');
      first = false;
      out += stringScalar(key, true, indent) + ":";
      const Json& value = object.at(key);
      if (value.is_object() && !value.empty()) {
        out += "\n";
        mapping(value, indent + 2, false);
      } else if (value.is_array() && !value.empty()) {
        out += "\n";
        sequence(value, indent, false);  // go-yaml does not indent a list under its key
      } else {
        out += " " + scalarText(value, indent + 2) + "\n";
      }
    }
  }

  void sequence(const Json& array, int indent, bool inlineFirst) {
    bool first = true;
    for (const auto& item : array) {
      if (!(first && inlineFirst)) out += std::string(indent, ' ');
      first = false;
      out += "- ";
      if (item.is_object() && !item.empty()) {
        mapping(item, indent + 2, true);
      } else if (item.is_array() && !item.empty()) {
        sequence(item, indent + 2, true);
      } else {
        out += scalarText(item, indent + 2) + "\n";
      }
    }
  }
};

}  // namespace

std::string jsonToYaml(const Json& value) {
  Writer w;
  if (isNonEmptyContainer(value)) {
    if (value.is_object()) {
      w.mapping(value, 0, false);
    } else {
      w.sequence(value, 0, false);
    }
  } else {
    w.out = scalarText(value, 2) + "\n";
  }
  return w.out;
}

}  // namespace crixctl

#include "config/Units.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace crix::config {

namespace {

bool isDigit(char c) { return c >= '0' && c <= '9'; }

constexpr std::uint64_t kNanosecond = 1;
constexpr std::uint64_t kMicrosecond = 1000 * kNanosecond;
constexpr std::uint64_t kMillisecond = 1000 * kMicrosecond;
constexpr std::uint64_t kSecond = 1000 * kMillisecond;
constexpr std::uint64_t kMinute = 60 * kSecond;
constexpr std::uint64_t kHour = 60 * kMinute;

// Go accepts both micro signs as well as the ASCII "us".
std::optional<std::uint64_t> unitNanos(std::string_view u) {
  if (u == "ns") return kNanosecond;
  if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return kMicrosecond;
  if (u == "ms") return kMillisecond;
  if (u == "s") return kSecond;
  if (u == "m") return kMinute;
  if (u == "h") return kHour;
  return std::nullopt;
}

// Appends v / unit as a decimal with the fraction's trailing zeros dropped.
void appendScaled(std::string& out, std::uint64_t v, std::uint64_t unit) {
  out += std::to_string(v / unit);
  std::uint64_t frac = v % unit;
  if (frac == 0) return;
  std::string digits;
  for (std::uint64_t u = unit / 10; u > 0; u /= 10) {
    digits += static_cast<char>('0' + frac / u);
    frac %= u;
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  out += '.';
  out += digits;
}

}  // namespace

std::optional<Duration> parseDuration(std::string_view s) {
  // Go bounds durations by int64 nanoseconds; the magnitude may reach 2^63
  // only when negative.
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return Duration{0};
  if (s.empty()) return std::nullopt;

  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || isDigit(s[0]))) return std::nullopt;
    std::uint64_t whole = 0;
    std::size_t i = 0;
    for (; i < s.size() && isDigit(s[i]); ++i) {
      if (whole > (kLimit - 1) / 10) return std::nullopt;
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (whole > kLimit) return std::nullopt;
    }
    const bool sawWhole = i > 0;
    s.remove_prefix(i);

    std::uint64_t frac = 0;
    double scale = 1;
    bool sawFrac = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && isDigit(s[i]); ++i) {
        if (overflow) continue;
        if (frac > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
          overflow = true;  // further digits cannot matter at ns resolution
          continue;
        }
        frac = frac * 10 + static_cast<std::uint64_t>(s[i] - '0');
        scale *= 10;
      }
      sawFrac = i > 0;
      s.remove_prefix(i);
    }
    if (!sawWhole && !sawFrac) return std::nullopt;

    std::size_t u = 0;
    while (u < s.size() && s[u] != '.' && !isDigit(s[u])) ++u;
    if (u == 0) return std::nullopt;  // Go demands a unit on every number but "0"
    const auto unit = unitNanos(s.substr(0, u));
    if (!unit) return std::nullopt;
    s.remove_prefix(u);

    if (whole > kLimit / *unit) return std::nullopt;
    std::uint64_t v = whole * *unit;
    if (frac > 0) {
      v += static_cast<std::uint64_t>(static_cast<double>(frac) * (static_cast<double>(*unit) / scale));
      if (v > kLimit) return std::nullopt;
    }
    total += v;
    if (total > kLimit) return std::nullopt;
  }
  if (!neg && total > kLimit - 1) return std::nullopt;
  if (neg) return Duration{total == kLimit ? std::numeric_limits<std::int64_t>::min()
                                           : -static_cast<std::int64_t>(total)};
  return Duration{static_cast<std::int64_t>(total)};
}

std::string formatDuration(Duration d) {
  const std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::string out;
  std::uint64_t v;
  if (n < 0) {
    out += '-';
    v = static_cast<std::uint64_t>(-(n + 1)) + 1;  // survives INT64_MIN
  } else {
    v = static_cast<std::uint64_t>(n);
  }
  if (v < kSecond) {
    if (v < kMicrosecond) {
      appendScaled(out, v, kNanosecond);
      out += "ns";
    } else if (v < kMillisecond) {
      appendScaled(out, v, kMicrosecond);
      out += "us";
    } else {
      appendScaled(out, v, kMillisecond);
      out += "ms";
    }
    return out;
  }
  const std::uint64_t h = v / kHour;
  const std::uint64_t m = (v % kHour) / kMinute;
  const std::uint64_t rest = v % kMinute;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  appendScaled(out, rest, kSecond);
  out += 's';
  return out;
}

std::optional<ByteSize> parseByteSize(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && isDigit(s[i])) ++i;
  if (i == 0) return std::nullopt;
  // RAMInBytes' pattern allows a dotted run of digit groups; only the first
  // dot has any meaning to its float parse, and "1.2.3" is rejected there.
  std::size_t numEnd = i;
  if (numEnd < s.size() && s[numEnd] == '.') {
    std::size_t j = numEnd + 1;
    while (j < s.size() && isDigit(s[j])) ++j;
    if (j == numEnd + 1) return std::nullopt;
    numEnd = j;
  }
  const std::string number(s.substr(0, numEnd));
  std::string_view suffix = s.substr(numEnd);
  if (!suffix.empty() && suffix[0] == ' ') suffix.remove_prefix(1);

  double mult = 1;
  if (!suffix.empty()) {
    static constexpr std::string_view kUnits = "kmgtp";
    const char c = static_cast<char>(suffix[0] | 0x20);
    const auto pos = kUnits.find(c);
    if (pos != std::string_view::npos) {
      mult = std::pow(1024.0, static_cast<double>(pos + 1));
      suffix.remove_prefix(1);
    }
  }
  if (!suffix.empty() && (suffix[0] == 'i' || suffix[0] == 'I')) suffix.remove_prefix(1);
  if (!suffix.empty() && (suffix[0] == 'b' || suffix[0] == 'B')) suffix.remove_prefix(1);
  if (!suffix.empty()) return std::nullopt;

  const double value = std::stod(number) * mult;
  if (!(value < 9223372036854775807.0)) return std::nullopt;
  return ByteSize{static_cast<std::int64_t>(value)};
}

std::string formatByteSize(ByteSize size) {
  if (size.bytes == 0) return "";
  static constexpr struct {
    std::int64_t factor;
    const char* name;
  } kUnits[] = {{1LL << 50, "PiB"}, {1LL << 40, "TiB"}, {1LL << 30, "GiB"},
                {1LL << 20, "MiB"}, {1LL << 10, "KiB"}};
  for (const auto& u : kUnits) {
    if (size.bytes % u.factor == 0) return std::to_string(size.bytes / u.factor) + u.name;
  }
  return std::to_string(size.bytes);
}

}  // namespace crix::config

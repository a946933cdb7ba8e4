#include "contrib/crixctl/Duration.h"

#include <cstdint>
#include <limits>
#include <optional>

#include "core/Error.h"

namespace crixctl {
namespace {

std::optional<std::int64_t> unitNanos(std::string_view unit) {
  if (unit == "ns") return 1;
  if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1'000;
  if (unit == "ms") return 1'000'000;
  if (unit == "s") return 1'000'000'000;
  if (unit == "m") return 60'000'000'000LL;
  if (unit == "h") return 3'600'000'000'000LL;
  return std::nullopt;
}

bool isDigit(char c) { return c >= '0' && c <= '9'; }

crix::Error invalid(std::string_view text) {
  return crix::Error::invalidArgument("time: invalid duration \"" + std::string(text) + "\"");
}

// Appends `v` with `prec` fractional digits, trailing zeros (and a bare dot)
// dropped, as Go prints the sub-unit part of a duration.
void appendFraction(std::string& out, std::uint64_t v, int prec) {
  std::string digits = std::to_string(v);
  if (static_cast<int>(digits.size()) <= prec) digits.insert(0, prec + 1 - digits.size(), '0');
  std::string whole = digits.substr(0, digits.size() - prec);
  std::string frac = digits.substr(digits.size() - prec);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  out += whole;
  if (!frac.empty()) out += "." + frac;
}

}  // namespace

std::chrono::nanoseconds parseDuration(std::string_view text) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) throw invalid(text);

  // Whole units are summed exactly; like Go, only the fractional part of each
  // term goes through floating point, so "0.3s" is exactly 300ms.
  std::uint64_t total = 0;
  const auto add = [&](std::uint64_t v) {
    if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) - total) throw invalid(text);
    total += v;
  };
  while (!s.empty()) {
    std::uint64_t whole = 0;
    std::size_t i = 0;
    while (i < s.size() && isDigit(s[i])) {
      if (whole > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) throw invalid(text);
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
      ++i;
    }
    const std::size_t intDigits = i;
    std::uint64_t frac = 0;
    long double fracScale = 1;
    std::size_t fracDigits = 0;
    if (i < s.size() && s[i] == '.') {
      ++i;
      for (; i < s.size() && isDigit(s[i]); ++i, ++fracDigits) {
        if (fracScale < 1e18L) {  // further digits cannot change the nanoseconds
          frac = frac * 10 + static_cast<std::uint64_t>(s[i] - '0');
          fracScale *= 10;
        }
      }
    }
    if (intDigits == 0 && fracDigits == 0) throw invalid(text);
    s.remove_prefix(i);

    std::size_t u = 0;
    while (u < s.size() && s[u] != '.' && !isDigit(s[u])) ++u;
    if (u == 0) throw crix::Error::invalidArgument("time: missing unit in duration \"" + std::string(text) + "\"");
    const auto scale = unitNanos(s.substr(0, u));
    if (!scale) {
      throw crix::Error::invalidArgument("time: unknown unit \"" + std::string(s.substr(0, u)) +
                                         "\" in duration \"" + std::string(text) + "\"");
    }
    s.remove_prefix(u);
    const auto unit = static_cast<std::uint64_t>(*scale);
    if (whole > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / unit) throw invalid(text);
    add(whole * unit);
    add(static_cast<std::uint64_t>(static_cast<long double>(frac) * (static_cast<long double>(unit) / fracScale)));
  }
  const auto nanos = static_cast<std::int64_t>(total);
  return std::chrono::nanoseconds(negative ? -nanos : nanos);
}

std::string formatDuration(std::chrono::nanoseconds d) {
  std::int64_t n = d.count();
  if (n == 0) return "0s";
  std::string out;
  if (n < 0) out += '-';
  const std::uint64_t u = n < 0 ? static_cast<std::uint64_t>(-(n + 1)) + 1 : static_cast<std::uint64_t>(n);

  if (u < 1'000'000'000ULL) {
    if (u < 1'000ULL) return out + std::to_string(u) + "ns";
    if (u < 1'000'000ULL) {
      appendFraction(out, u, 3);
      return out + "\xC2\xB5s";
    }
    appendFraction(out, u, 6);
    return out + "ms";
  }
  const std::uint64_t hours = u / 3'600'000'000'000ULL;
  const std::uint64_t minutes = (u / 60'000'000'000ULL) % 60;
  const std::uint64_t secNanos = u % 60'000'000'000ULL;
  if (hours > 0) out += std::to_string(hours) + "h";
  if (hours > 0 || minutes > 0) out += std::to_string(minutes) + "m";
  appendFraction(out, secNanos, 9);
  return out + "s";
}

}  // namespace crixctl

#include "cri/sandbox/Quantity.h"

#include <cmath>
#include <cstdlib>
#include <utility>

namespace crix::sandbox {

std::optional<uint64_t> parsePositiveQuantity(const std::string& q) {
  size_t i = 0;
  while (i < q.size() && ((q[i] >= '0' && q[i] <= '9') || q[i] == '.')) ++i;
  const std::string number = q.substr(0, i);
  const std::string suffix = q.substr(i);
  if (number.empty() || number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
  const long double value = std::strtold(number.c_str(), nullptr);
  long double scale = 1;
  static const std::pair<const char*, long double> kSuffixes[] = {
      {"", 1},         {"k", 1e3L},     {"M", 1e6L},     {"G", 1e9L},     {"T", 1e12L},
      {"P", 1e15L},    {"E", 1e18L},    {"Ki", 0x1p10L}, {"Mi", 0x1p20L}, {"Gi", 0x1p30L},
      {"Ti", 0x1p40L}, {"Pi", 0x1p50L}, {"Ei", 0x1p60L},
  };
  bool known = false;
  for (const auto& [name, factor] : kSuffixes)
    if (suffix == name) known = true, scale = factor;
  if (!known) {
    // Decimal exponent: 1e6, 5E3.
    if (suffix.size() < 2 || suffix.size() > 4 || (suffix[0] != 'e' && suffix[0] != 'E')) return std::nullopt;
    for (size_t k = 1; k < suffix.size(); ++k)
      if (suffix[k] < '0' || suffix[k] > '9') return std::nullopt;
    scale = std::pow(10.0L, std::strtold(suffix.c_str() + 1, nullptr));
  }
  const long double whole = std::ceil(value * scale);
  if (!(whole >= 1) || whole > 0x1p63L) return std::nullopt;
  return static_cast<uint64_t>(whole);
}

}  // namespace crix::sandbox

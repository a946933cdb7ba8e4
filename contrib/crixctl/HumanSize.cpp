#include "contrib/crixctl/HumanSize.h"

#include <array>
#include <cstdio>

namespace crixctl {

std::string humanSizeWithPrecision(double bytes, int precision) {
  static constexpr std::array<const char*, 9> kUnits = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  std::size_t unit = 0;
  while (bytes >= 1000.0 && unit + 1 < kUnits.size()) {
    bytes /= 1000.0;
    ++unit;
  }
  // C's %g and Go's %g agree here: shortest of %e/%f, trailing zeros
  // dropped, two-digit exponents ("1e+03" for 999.9 at three digits).
  char text[64];
  std::snprintf(text, sizeof text, "%.*g%s", precision, bytes, kUnits[unit]);
  return text;
}

std::string humanSize(double bytes) { return humanSizeWithPrecision(bytes, 4); }

}  // namespace crixctl

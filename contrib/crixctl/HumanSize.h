// Byte counts in the decimal units crictl prints (docker/go-units):
// "4.87MB", "512B", "1.2kB". Scripts that compare sizes across crictl and
// crixctl depend on the exact digits.
#pragma once

#include <string>

namespace crixctl {

// go-units HumanSizeWithPrecision: `precision` significant digits, Go's %g.
std::string humanSizeWithPrecision(double bytes, int precision);

// go-units HumanSize: four significant digits.
std::string humanSize(double bytes);

}  // namespace crixctl

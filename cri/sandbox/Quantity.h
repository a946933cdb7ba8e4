// Kubernetes resource quantities as pod annotations carry them ("64Mi",
// "1G", "1.5Gi", "65536", "1e6", "10M" bits per second for bandwidth).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace crix::sandbox {

// The quantity's value rounded up to a whole number; nullopt when the text
// is not a quantity, or is zero, negative or above 2^63.
std::optional<uint64_t> parsePositiveQuantity(const std::string& quantity);

}  // namespace crix::sandbox

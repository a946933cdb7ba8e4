// The short IDs crictl's tables show: the prefix (e.g. "sha256:") dropped,
// then at most 13 characters.
#pragma once

#include <string>
#include <string_view>

namespace crixctl {

inline constexpr std::size_t kTruncatedIdLength = 13;

std::string truncatedId(std::string_view id, std::string_view prefix = "");

}  // namespace crixctl

// Numbers to and from text without printf or locales: crix-conmon is linked
// statically, and stdio's formatting machinery would be most of its size.
#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string_view>

namespace crix::conmon {

// The decimal digits of a number, held inline so that a message can be
// assembled from string_views without allocating.
class Decimal {
 public:
  explicit Decimal(long long value) {
    len_ = static_cast<size_t>(std::to_chars(buf_, buf_ + sizeof buf_, value).ptr - buf_);
  }
  operator std::string_view() const { return {buf_, len_}; }

 private:
  char buf_[24];
  size_t len_ = 0;
};

// The whole of `text` as a decimal integer (an optional leading '-'), or
// nullopt for anything else, including surrounding blanks.
inline std::optional<long long> parseDecimal(std::string_view text) {
  long long value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace crix::conmon

// The name/value header block of SYN_STREAM, SYN_REPLY and HEADERS frames,
// before compression: a 32-bit pair count, then each name and value with a
// 32-bit length. Names are lower-case; the several values of one name travel
// as one value with the values joined by NUL bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crix::spdy {

class HeaderBlock {
 public:
  using Entry = std::pair<std::string, std::string>;

  HeaderBlock() = default;
  HeaderBlock(std::initializer_list<std::pair<std::string_view, std::string_view>> entries);

  // Lower-cases `name`; a name already present gets `value` appended after a
  // NUL, so one name never appears twice on the wire.
  void add(std::string_view name, std::string_view value);
  // Replaces every value of `name`.
  void set(std::string_view name, std::string_view value);

  // The whole value of `name` (NUL-joined when it has several); the lookup
  // ignores case.
  std::optional<std::string_view> get(std::string_view name) const;
  // The first of the NUL-separated values, as Go's http.Header.Get returns it.
  std::optional<std::string_view> first(std::string_view name) const;
  std::vector<std::string_view> values(std::string_view name) const;

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  bool operator==(const HeaderBlock&) const = default;

 private:
  std::vector<Entry> entries_;
};

// Bounds on what a peer may make us hold for one header block.
struct HeaderLimits {
  size_t maxDecodedSize = 1024 * 1024;  // the decompressed block
  size_t maxCount = 1000;               // name/value pairs
};

// The uncompressed wire form.
std::string encodeHeaderBlock(const HeaderBlock& headers);

// Parses an uncompressed block. Throws crix::Error (InvalidArgument, message
// starting "spdy:") when the block is malformed or over `limits`: a length
// past the end, an empty name, trailing bytes, too many pairs.
HeaderBlock decodeHeaderBlock(std::span<const uint8_t> block, const HeaderLimits& limits);

}  // namespace crix::spdy

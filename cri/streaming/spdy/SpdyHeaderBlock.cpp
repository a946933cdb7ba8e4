#include "cri/streaming/spdy/SpdyHeaderBlock.h"

#include <algorithm>

#include "core/Error.h"
#include "cri/streaming/spdy/SpdyWire.h"

namespace crix::spdy {

namespace {

std::string lowerCase(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  return out;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    auto lower = [](unsigned char c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; };
    if (lower(static_cast<unsigned char>(a[i])) != lower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

Error malformed(const std::string& what) { return Error::invalidArgument("spdy: malformed header block: " + what); }

}  // namespace

HeaderBlock::HeaderBlock(std::initializer_list<std::pair<std::string_view, std::string_view>> entries) {
  for (const auto& [name, value] : entries) add(name, value);
}

void HeaderBlock::add(std::string_view name, std::string_view value) {
  for (auto& entry : entries_) {
    if (equalsIgnoringCase(entry.first, name)) {
      entry.second.push_back('\0');
      entry.second.append(value);
      return;
    }
  }
  entries_.emplace_back(lowerCase(name), std::string(value));
}

void HeaderBlock::set(std::string_view name, std::string_view value) {
  std::erase_if(entries_, [&](const Entry& e) { return equalsIgnoringCase(e.first, name); });
  entries_.emplace_back(lowerCase(name), std::string(value));
}

std::optional<std::string_view> HeaderBlock::get(std::string_view name) const {
  for (const auto& entry : entries_)
    if (equalsIgnoringCase(entry.first, name)) return std::string_view(entry.second);
  return std::nullopt;
}

std::optional<std::string_view> HeaderBlock::first(std::string_view name) const {
  auto whole = get(name);
  if (!whole) return std::nullopt;
  return whole->substr(0, whole->find('\0'));
}

std::vector<std::string_view> HeaderBlock::values(std::string_view name) const {
  std::vector<std::string_view> out;
  auto whole = get(name);
  if (!whole) return out;
  std::string_view rest = *whole;
  for (;;) {
    const size_t nul = rest.find('\0');
    out.push_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  return out;
}

std::string encodeHeaderBlock(const HeaderBlock& headers) {
  std::string out;
  size_t size = 4;
  for (const auto& [name, value] : headers.entries()) size += 8 + name.size() + value.size();
  out.reserve(size);
  appendU32(out, static_cast<uint32_t>(headers.size()));
  for (const auto& [name, value] : headers.entries()) {
    appendU32(out, static_cast<uint32_t>(name.size()));
    out.append(name);
    appendU32(out, static_cast<uint32_t>(value.size()));
    out.append(value);
  }
  return out;
}

HeaderBlock decodeHeaderBlock(std::span<const uint8_t> block, const HeaderLimits& limits) {
  if (block.size() > limits.maxDecodedSize)
    throw malformed(std::to_string(block.size()) + " bytes is over the limit of " +
                    std::to_string(limits.maxDecodedSize));
  size_t pos = 0;
  auto readLength = [&](const char* what) -> uint32_t {
    if (block.size() - pos < 4) throw malformed(std::string("truncated before ") + what);
    const uint32_t n = readU32(block.data() + pos);
    pos += 4;
    return n;
  };
  auto readString = [&](const char* what) -> std::string_view {
    const uint32_t n = readLength(what);
    if (n > block.size() - pos)
      throw malformed(std::string(what) + " length " + std::to_string(n) + " runs past the end");
    std::string_view s(reinterpret_cast<const char*>(block.data() + pos), n);
    pos += n;
    return s;
  };

  const uint32_t count = readLength("the pair count");
  if (count > limits.maxCount)
    throw malformed(std::to_string(count) + " headers is over the limit of " + std::to_string(limits.maxCount));
  // Every pair takes at least its two length fields: a count the bytes
  // cannot hold is a lie, caught before anything is allocated for it.
  if (count > (block.size() - pos) / 8)
    throw malformed("count " + std::to_string(count) + " does not fit in " + std::to_string(block.size()) + " bytes");

  HeaderBlock headers;
  for (uint32_t i = 0; i < count; ++i) {
    const std::string_view name = readString("name");
    const std::string_view value = readString("value");
    if (name.empty()) throw malformed("empty header name");
    headers.add(name, value);
  }
  if (pos != block.size()) throw malformed(std::to_string(block.size() - pos) + " trailing bytes");
  return headers;
}

}  // namespace crix::spdy

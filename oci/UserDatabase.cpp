#include "oci/UserDatabase.h"

#include <charconv>
#include <cstdint>

namespace crix::oci {
namespace {

template <class F>
void forEachLine(std::string_view text, F&& f) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    f(line);
  }
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t pos = 0;
  for (;;) {
    const auto at = s.find(sep, pos);
    if (at == std::string_view::npos) {
      parts.push_back(s.substr(pos));
      return parts;
    }
    parts.push_back(s.substr(pos, at - pos));
    pos = at + 1;
  }
}

}  // namespace

std::optional<std::uint32_t> parseId(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || ptr != text.data() + text.size()) return std::nullopt;
  if (value > 0xfffffffeULL) return std::nullopt;
  return static_cast<std::uint32_t>(value);
}

std::vector<PasswdEntry> parsePasswd(std::string_view text) {
  std::vector<PasswdEntry> entries;
  forEachLine(text, [&](std::string_view line) {
    // name:password:uid:gid:gecos:home:shell
    const auto f = split(line, ':');
    if (f.size() < 4 || f[0].empty()) return;
    const auto uid = parseId(f[2]);
    const auto gid = parseId(f[3]);
    if (!uid || !gid) return;
    entries.push_back({std::string(f[0]), *uid, *gid, f.size() > 5 ? std::string(f[5]) : ""});
  });
  return entries;
}

std::vector<GroupEntry> parseGroup(std::string_view text) {
  std::vector<GroupEntry> entries;
  forEachLine(text, [&](std::string_view line) {
    // name:password:gid:member,member
    const auto f = split(line, ':');
    if (f.size() < 3 || f[0].empty()) return;
    const auto gid = parseId(f[2]);
    if (!gid) return;
    GroupEntry g{std::string(f[0]), *gid, {}};
    if (f.size() > 3 && !f[3].empty()) {
      for (const auto m : split(f[3], ',')) {
        if (!m.empty()) g.members.emplace_back(m);
      }
    }
    entries.push_back(std::move(g));
  });
  return entries;
}

}  // namespace crix::oci

#include "oci/MountInfo.h"

#include <sstream>

namespace crix::oci {
namespace {

// mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size()) {
      const std::string oct = s.substr(i + 1, 3);
      if (oct.size() == 3 && oct.find_first_not_of("01234567") == std::string::npos) {
        out += static_cast<char>(std::stoi(oct, nullptr, 8));
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

bool under(const std::string& path, const std::string& mountPoint) {
  if (mountPoint == "/") return !path.empty() && path.front() == '/';
  return path == mountPoint || (path.size() > mountPoint.size() && path.starts_with(mountPoint) &&
                                path[mountPoint.size()] == '/');
}

}  // namespace

bool MountInfoEntry::shared() const {
  for (const auto& f : optionalFields) {
    if (f.starts_with("shared:")) return true;
  }
  return false;
}

bool MountInfoEntry::slave() const {
  for (const auto& f : optionalFields) {
    if (f.starts_with("master:")) return true;
  }
  return false;
}

std::vector<MountInfoEntry> parseMountInfo(std::string_view text) {
  std::vector<MountInfoEntry> out;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superopts
    std::istringstream fields(line);
    std::vector<std::string> f;
    std::string word;
    while (fields >> word) f.push_back(word);
    if (f.size() < 7) continue;
    MountInfoEntry e;
    e.mountPoint = unescape(f[4]);
    for (std::size_t i = 6; i < f.size() && f[i] != "-"; ++i) e.optionalFields.push_back(f[i]);
    out.push_back(std::move(e));
  }
  return out;
}

const MountInfoEntry* mountContaining(const std::vector<MountInfoEntry>& mounts,
                                      const std::string& path) {
  const MountInfoEntry* best = nullptr;
  for (const auto& m : mounts) {
    if (!under(path, m.mountPoint)) continue;
    if (!best || m.mountPoint.size() >= best->mountPoint.size()) best = &m;
  }
  return best;
}

}  // namespace crix::oci

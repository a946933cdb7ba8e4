#include "storage/layer/EntryPath.h"

#include <climits>
#include <vector>

#include "core/Error.h"

namespace crix::layer {

std::string describeEntry(std::string_view entryName) {
  return "layer entry \"" + std::string(entryName) + "\"";
}

std::string cleanEntryPath(std::string_view name, std::string_view subject) {
  const auto refuse = [&](const char* why) {
    return Error::invalidArgument(std::string(subject) + ": " + why);
  };
  if (name.find('\0') != std::string_view::npos) throw refuse("name contains a NUL byte");
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = name.find('/', pos);
    if (slash == std::string_view::npos) slash = name.size();
    const std::string_view part = name.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (parts.empty()) throw refuse("path escapes the layer");
      parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string clean;
  for (const auto part : parts) {
    if (!clean.empty()) clean += '/';
    clean += part;
  }
  // Longer paths could not be opened by absolute path inside the container,
  // and the bound caps how deep a hostile layer can nest directories.
  if (clean.size() >= PATH_MAX) throw refuse("path is too long");
  return clean;
}

SplitPath splitEntryPath(const std::string& cleanPath) {
  const auto slash = cleanPath.rfind('/');
  if (slash == std::string::npos) return {"", cleanPath};
  return {cleanPath.substr(0, slash), cleanPath.substr(slash + 1)};
}

}  // namespace crix::layer

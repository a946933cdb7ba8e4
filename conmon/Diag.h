// crix-conmon's own diagnostics, one line per event on stderr:
//   crix-conmon[<cid>]: warn: cannot write to the log: No space left on device
// The daemon decides where that stderr goes. Lines are assembled on the stack
// and written with one write(2): no stdio, no allocation.
#pragma once

#include <initializer_list>
#include <optional>
#include <string_view>

namespace crix::conmon::diag {

enum class Level : int { Error = 0, Warn = 1, Info = 2, Debug = 3 };

void setLevel(Level level);
bool enabled(Level level);
std::optional<Level> parseLevel(std::string_view name);
// The container id that prefixes every line, so the lines of many monitors
// sharing one file can be told apart.
void setTag(std::string_view cid);

void emit(Level level, std::initializer_list<std::string_view> parts);

template <class... Parts>
void error(const Parts&... parts) {
  if (enabled(Level::Error)) emit(Level::Error, {std::string_view(parts)...});
}
template <class... Parts>
void warn(const Parts&... parts) {
  if (enabled(Level::Warn)) emit(Level::Warn, {std::string_view(parts)...});
}
template <class... Parts>
void info(const Parts&... parts) {
  if (enabled(Level::Info)) emit(Level::Info, {std::string_view(parts)...});
}
template <class... Parts>
void debug(const Parts&... parts) {
  if (enabled(Level::Debug)) emit(Level::Debug, {std::string_view(parts)...});
}

// The English description of an errno value ("No such file or directory").
// strerror() would go through gettext, which a static binary pays for in size.
std::string_view errnoText(int err);

}  // namespace crix::conmon::diag

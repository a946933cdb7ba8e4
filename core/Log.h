// Leveled logging to stderr, one line per event, in a logfmt shape close to
// CRI-O's so that operators' log pipelines keep working:
//   time=2026-11-27T13:54:59.123456Z level=info msg="..."
// The level is process-wide and may change at run time (SIGHUP reload).
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

namespace crix::log {

enum class Level : int { Error = 0, Warn = 1, Info = 2, Debug = 3, Trace = 4 };

void setLevel(Level level);
Level level();
bool enabled(Level level);
std::string_view levelName(Level level);
// Accepts CRI-O's names too: "fatal"/"panic" map to Error, "warning" to Warn.
std::optional<Level> parseLevel(std::string_view name);

// The message as a line shows it: in double quotes, with quotes,
// backslashes and every control byte escaped.
std::string quoted(std::string_view message);

void emit(Level level, const std::string& message);

template <class... Args>
void write(Level lvl, const Args&... args) {
  if (!enabled(lvl)) return;
  std::ostringstream out;
  (out << ... << args);
  emit(lvl, out.str());
}

template <class... Args> void error(const Args&... a) { write(Level::Error, a...); }
template <class... Args> void warn(const Args&... a) { write(Level::Warn, a...); }
template <class... Args> void info(const Args&... a) { write(Level::Info, a...); }
template <class... Args> void debug(const Args&... a) { write(Level::Debug, a...); }
template <class... Args> void trace(const Args&... a) { write(Level::Trace, a...); }

}  // namespace crix::log

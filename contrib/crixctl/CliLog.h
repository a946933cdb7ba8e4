// crixctl's messages on stderr, in the shape crictl's logrus prints them so
// that people and scripts used to crictl read them the same way:
//   on a terminal:  FATA[0000] <message>          (level coloured, seconds since start)
//   otherwise:      time="<RFC 3339>" level=fatal msg="<message>"
// This is deliberately not crix::log (the daemon's CRI-O-shaped logfmt).
#pragma once

#include <sstream>
#include <string>
#include <string_view>

namespace crixctl::clilog {

enum class Level { Fatal, Error, Warn, Info, Debug };

void setDebug(bool on);
bool debugEnabled();

void write(Level level, std::string_view message);

template <class... Args>
void debug(const Args&... args) {
  if (!debugEnabled()) return;
  std::ostringstream out;
  (out << ... << args);
  write(Level::Debug, out.str());
}

template <class... Args>
void warn(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  write(Level::Warn, out.str());
}

}  // namespace crixctl::clilog

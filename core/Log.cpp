#include "core/Log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace crix::log {
namespace {

std::atomic<int> currentLevel{static_cast<int>(Level::Info)};

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const auto secs = time_point_cast<seconds>(now);
  const auto micros = duration_cast<microseconds>(now - secs).count();
  const std::time_t t = system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long>(micros));
  return buf;
}

// Quotes the message the way logfmt does, so a message with spaces or quotes
// stays one field.
void appendQuoted(std::string& out, std::string_view msg) {
  out += '"';
  for (char c : msg) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        // Other control bytes (escape sequences in runc's stderr) would
        // drive the reader's terminal; they are shown, not obeyed.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[static_cast<unsigned char>(c) >> 4];
          out += kHex[static_cast<unsigned char>(c) & 0xf];
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

std::string quoted(std::string_view message) {
  std::string out;
  appendQuoted(out, message);
  return out;
}

void setLevel(Level level) { currentLevel.store(static_cast<int>(level)); }
Level level() { return static_cast<Level>(currentLevel.load()); }
bool enabled(Level lvl) { return static_cast<int>(lvl) <= currentLevel.load(std::memory_order_relaxed); }

std::string_view levelName(Level lvl) {
  switch (lvl) {
    case Level::Error: return "error";
    case Level::Warn: return "warning";
    case Level::Info: return "info";
    case Level::Debug: return "debug";
    case Level::Trace: return "trace";
  }
  return "info";
}

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "error" || name == "fatal" || name == "panic") return Level::Error;
  if (name == "warn" || name == "warning") return Level::Warn;
  if (name == "info") return Level::Info;
  if (name == "debug") return Level::Debug;
  if (name == "trace") return Level::Trace;
  return std::nullopt;
}

void emit(Level lvl, const std::string& message) {
  std::string line = "time=" + timestamp() + " level=" + std::string(levelName(lvl)) + " msg=";
  appendQuoted(line, message);
  line += '\n';
  // One write(2) per line keeps lines whole when threads log at once.
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(STDERR_FILENO, p, left);
    if (n <= 0) break;
    p += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace crix::log

#include "contrib/crixctl/CliLog.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace crixctl::clilog {
namespace {

std::atomic<bool> debugOn{false};
const auto processStart = std::chrono::steady_clock::now();

struct LevelLook {
  std::string_view shortName;  // terminal form
  std::string_view longName;   // logfmt form
  int colour;                  // ANSI foreground
};

LevelLook look(Level level) {
  switch (level) {
    case Level::Fatal: return {"FATA", "fatal", 31};
    case Level::Error: return {"ERRO", "error", 31};
    case Level::Warn: return {"WARN", "warning", 33};
    case Level::Info: return {"INFO", "info", 36};
    case Level::Debug: return {"DEBU", "debug", 37};
  }
  return {"INFO", "info", 36};
}

// logrus leaves a value bare only when it is made of these characters.
bool needsQuoting(std::string_view text) {
  if (text.empty()) return true;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '/' || c == '@' || c == '^' || c == '+';
    if (!plain) return true;
  }
  return false;
}

// Go's %q for the common cases: quotes, backslashes and control characters
// escaped, everything else (including UTF-8) kept.
std::string goQuote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string rfc3339Now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
  const long offset = tm.tm_gmtoff;
  if (offset == 0) return std::string(stamp) + "Z";
  char zone[32];
  const long absMinutes = (offset < 0 ? -offset : offset) / 60;
  std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", offset < 0 ? '-' : '+', absMinutes / 60, absMinutes % 60);
  return std::string(stamp) + zone;
}

}  // namespace

void setDebug(bool on) { debugOn.store(on); }
bool debugEnabled() { return debugOn.load(); }

void write(Level level, std::string_view message) {
  if (level == Level::Debug && !debugEnabled()) return;
  while (!message.empty() && message.back() == '\n') message.remove_suffix(1);
  const LevelLook l = look(level);
  std::string line;
  if (::isatty(STDERR_FILENO)) {
    const auto secs =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - processStart).count();
    char head[48];
    std::snprintf(head, sizeof head, "\x1b[%dm%.*s\x1b[0m[%04lld] ", l.colour, static_cast<int>(l.shortName.size()),
                  l.shortName.data(), static_cast<long long>(secs));
    line = head;
    line += message;
    // logrus pads the message to a 44-column field.
    if (message.size() < 44) line.append(44 - message.size(), ' ');
    line += ' ';
  } else {
    line = "time=" + goQuote(rfc3339Now()) + " level=" + std::string(l.longName) + " msg=";
    line += needsQuoting(message) ? goQuote(message) : std::string(message);
  }
  line += '\n';
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

}  // namespace crixctl::clilog

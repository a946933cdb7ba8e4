#include "conmon/Diag.h"

#include <string.h>
#include <unistd.h>

#include <algorithm>

namespace crix::conmon::diag {
namespace {

Level currentLevel = Level::Warn;
char tag[80] = "";
size_t tagLen = 0;

constexpr std::string_view kLevelNames[] = {"error", "warn", "info", "debug"};

}  // namespace

void setLevel(Level level) { currentLevel = level; }
bool enabled(Level level) { return static_cast<int>(level) <= static_cast<int>(currentLevel); }

std::optional<Level> parseLevel(std::string_view name) {
  if (name == "error" || name == "fatal" || name == "panic") return Level::Error;
  if (name == "warn" || name == "warning") return Level::Warn;
  if (name == "info") return Level::Info;
  if (name == "debug" || name == "trace") return Level::Debug;
  return std::nullopt;
}

void setTag(std::string_view cid) {
  tagLen = std::min(cid.size(), sizeof tag);
  std::copy_n(cid.data(), tagLen, tag);
}

void emit(Level level, std::initializer_list<std::string_view> parts) {
  char line[1024];
  size_t len = 0;
  auto append = [&](std::string_view s) {
    const size_t n = std::min(s.size(), sizeof line - 1 - len);
    std::copy_n(s.data(), n, line + len);
    len += n;
  };
  append("crix-conmon");
  if (tagLen > 0) {
    append("[");
    append({tag, tagLen});
    append("]");
  }
  append(": ");
  append(kLevelNames[static_cast<int>(level)]);
  append(": ");
  for (std::string_view part : parts) append(part);
  line[len++] = '\n';
  // A diagnostic that cannot be written has nowhere else to go.
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, line, len);
}

std::string_view errnoText(int err) {
  const char* text = ::strerrordesc_np(err);
  return text ? text : "unknown error";
}

}  // namespace crix::conmon::diag

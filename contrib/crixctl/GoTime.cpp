#include "contrib/crixctl/GoTime.h"
#include "core/WallClock.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace crixctl {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

struct LocalTime {
  std::tm tm{};
  std::int64_t nanos = 0;  // within the second
};

LocalTime localTime(std::int64_t unixNanos) {
  std::int64_t seconds = unixNanos / kSecond;
  std::int64_t nanos = unixNanos % kSecond;
  if (nanos < 0) {
    nanos += kSecond;
    --seconds;
  }
  LocalTime out;
  const std::time_t t = static_cast<std::time_t>(seconds);
  localtime_r(&t, &out.tm);
  out.nanos = nanos;
  return out;
}

// ".5", ".123456789", or nothing: Go's .999999999 layout element.
std::string fraction(std::int64_t nanos) {
  if (nanos == 0) return "";
  char digits[16];
  std::snprintf(digits, sizeof digits, "%09lld", static_cast<long long>(nanos));
  std::string text = digits;
  while (!text.empty() && text.back() == '0') text.pop_back();
  return "." + text;
}

std::string dateTime(const std::tm& tm, char separator) {
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d%c%02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                separator, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

// "+0100" or "+01:00".
std::string offset(const std::tm& tm, bool colon) {
  long off = tm.tm_gmtoff;
  const char sign = off < 0 ? '-' : '+';
  off = std::labs(off);
  char text[16];
  std::snprintf(text, sizeof text, colon ? "%c%02ld:%02ld" : "%c%02ld%02ld", sign, off / 3600, (off % 3600) / 60);
  return text;
}

}  // namespace

std::string humanDuration(std::int64_t nanoseconds) {
  const double secondsF = static_cast<double>(nanoseconds) / 1e9;
  const long long seconds = static_cast<long long>(secondsF);
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) return std::to_string(seconds) + " seconds";
  const long long minutes = static_cast<long long>(secondsF / 60);
  if (minutes == 1) return "About a minute";
  if (minutes < 60) return std::to_string(minutes) + " minutes";
  const long long hours = std::llround(secondsF / 3600);
  if (hours == 1) return "About an hour";
  if (hours < 48) return std::to_string(hours) + " hours";
  if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
  if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
  if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
  return std::to_string(static_cast<long long>(secondsF / 3600) / 24 / 365) + " years";
}

std::string agoText(std::int64_t unixNanos) { return humanDuration(nowUnixNanos() - unixNanos) + " ago"; }

std::string rfc3339Nano(std::int64_t unixNanos) {
  const LocalTime t = localTime(unixNanos);
  const std::string zone = t.tm.tm_gmtoff == 0 ? "Z" : offset(t.tm, true);
  return dateTime(t.tm, 'T') + fraction(t.nanos) + zone;
}

std::string goTimeString(std::int64_t unixNanos) {
  const LocalTime t = localTime(unixNanos);
  const std::string zoneName = t.tm.tm_zone ? t.tm.tm_zone : "";
  return dateTime(t.tm, ' ') + fraction(t.nanos) + " " + offset(t.tm, false) + " " + zoneName;
}

std::int64_t nowUnixNanos() { return crix::nowNanos(); }

}  // namespace crixctl

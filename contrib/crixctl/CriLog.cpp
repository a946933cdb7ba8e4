#include "contrib/crixctl/CriLog.h"

#include <cctype>
#include <ctime>
#include <ostream>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/Duration.h"
#include "core/Error.h"

namespace crixctl {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

int digits(std::string_view text, std::size_t pos, std::size_t count) {
  if (pos + count > text.size()) throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\"");
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i])))
      throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\"");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

void expect(std::string_view text, std::size_t pos, char c) {
  if (pos >= text.size() || (text[pos] != c && !(c == 'T' && text[pos] == 't')))
    throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\"");
}

// Go's RFC3339Nano output of a parsed time: the fraction without trailing
// zeros, the zone as written.
std::string goTimestamp(std::string_view text) {
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::string(text);
  std::size_t end = dot + 1;
  while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end]))) ++end;
  std::string fraction(text.substr(dot + 1, end - dot - 1));
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return std::string(text.substr(0, dot)) + (fraction.empty() ? "" : "." + fraction) + std::string(text.substr(end));
}

}  // namespace

std::int64_t parseRfc3339(std::string_view text) {
  std::tm tm{};
  tm.tm_year = digits(text, 0, 4) - 1900;
  expect(text, 4, '-');
  tm.tm_mon = digits(text, 5, 2) - 1;
  expect(text, 7, '-');
  tm.tm_mday = digits(text, 8, 2);
  expect(text, 10, 'T');
  tm.tm_hour = digits(text, 11, 2);
  expect(text, 13, ':');
  tm.tm_min = digits(text, 14, 2);
  expect(text, 16, ':');
  tm.tm_sec = digits(text, 17, 2);
  std::size_t pos = 19;
  std::int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::int64_t scale = kSecond / 10;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      nanos += (text[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\"");
  }
  std::int64_t offsetSeconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    const int hours = digits(text, pos + 1, 2);
    expect(text, pos + 3, ':');
    const int minutes = digits(text, pos + 4, 2);
    offsetSeconds = sign * (hours * 3600 + minutes * 60);
    pos += 6;
  } else {
    throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\": no zone");
  }
  if (pos != text.size()) throw crix::Error::invalidArgument("bad time \"" + std::string(text) + "\"");
  const std::int64_t seconds = static_cast<std::int64_t>(timegm(&tm)) - offsetSeconds;
  return seconds * kSecond + nanos;
}

std::int64_t parseSince(std::string_view text, std::int64_t nowUnixNanos) {
  try {
    return nowUnixNanos - parseDuration(text).count();
  } catch (const crix::Error&) {
  }
  try {
    return parseRfc3339(text);
  } catch (const crix::Error&) {
  }
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string_view::npos && text.size() < 12)
    return std::stoll(std::string(text)) * kSecond;
  throw crix::Error::invalidArgument("failed to parse --since \"" + std::string(text) +
                                     "\": give a duration (10m), an RFC 3339 time or Unix seconds");
}

CriLogEntry parseCriLogLine(std::string_view line) {
  CriLogEntry entry;
  auto sp = line.find(' ');
  if (sp == std::string_view::npos) throw crix::Error::invalidArgument("timestamp is not found");
  const std::string_view time = line.substr(0, sp);
  entry.unixNanos = parseRfc3339(time);
  entry.timestamp = goTimestamp(time);
  line.remove_prefix(sp + 1);

  sp = line.find(' ');
  if (sp == std::string_view::npos) throw crix::Error::invalidArgument("stream type is not found");
  const std::string_view stream = line.substr(0, sp);
  if (stream != "stdout" && stream != "stderr")
    throw crix::Error::invalidArgument("unexpected stream type \"" + std::string(stream) + "\"");
  entry.isStderr = stream == "stderr";
  line.remove_prefix(sp + 1);

  sp = line.find(' ');
  if (sp == std::string_view::npos) throw crix::Error::invalidArgument("log tag is not found");
  const std::string_view tags = line.substr(0, sp);
  entry.partial = tags.substr(0, tags.find(':')) == "P";
  entry.text = std::string(line.substr(sp + 1));
  if (entry.partial && !entry.text.empty() && entry.text.back() == '\n') entry.text.pop_back();
  return entry;
}

CriLogPrinter::CriLogPrinter(std::ostream& out, std::ostream& err, Options options)
    : out_(out), err_(err), options_(options) {}

void CriLogPrinter::line(std::string_view raw) {
  CriLogEntry entry;
  try {
    entry = parseCriLogLine(raw);
  } catch (const crix::Error& e) {
    clilog::write(clilog::Level::Error, std::string("failed when parsing line in log file: ") + e.what());
    return;
  }
  if (options_.since && entry.unixNanos < *options_.since) return;
  std::ostream& to = entry.isStderr ? err_ : out_;
  if (options_.timestamps && atLineStart_) to << entry.timestamp << ' ';
  to << entry.text;
  to.flush();
  atLineStart_ = !entry.text.empty() && entry.text.back() == '\n';
}

std::size_t tailStart(std::string_view content, long long lines) {
  if (lines < 0) return 0;
  // A last line without its newline still counts as a line.
  std::size_t end = content.size();
  if (end > 0 && content[end - 1] == '\n') --end;
  long long seen = 0;
  std::size_t pos = end;
  while (pos > 0) {
    if (content[pos - 1] == '\n') {
      if (++seen == lines) return pos;
    }
    --pos;
  }
  // Fewer lines than asked for: all of them (none when lines == 0 and the
  // file is non-empty is handled by the loop never reaching zero).
  return lines == 0 ? content.size() : 0;
}

}  // namespace crixctl

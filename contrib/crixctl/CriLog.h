// Container log files in the CRI format conmon writes, read the way the
// kubelet (and so crictl logs) reads them:
//   <RFC 3339 time> <stdout|stderr> <P|F>[:tags] <text>\n
// A "P" (partial) line continues in the next line; its text is printed
// without the newline, so a long line split by the writer comes out whole.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace crixctl {

struct CriLogEntry {
  std::string timestamp;  // as Go's RFC3339Nano prints it (no trailing zeros)
  std::int64_t unixNanos = 0;
  bool isStderr = false;
  bool partial = false;
  std::string text;  // ends in '\n' unless partial (or the file's last line was cut)
};

// `line` as read from the file, newline included. Throws crix::Error
// (InvalidArgument) naming what is missing or wrong.
CriLogEntry parseCriLogLine(std::string_view line);

// RFC 3339 with optional fraction and a Z or ±hh:mm zone. Throws crix::Error.
std::int64_t parseRfc3339(std::string_view text);

// crictl's --since: a Go duration before now ("10m"), an RFC 3339 time,
// or Unix seconds. Throws crix::Error for anything else.
std::int64_t parseSince(std::string_view text, std::int64_t nowUnixNanos);

// Writes entries to the stream they came from, with the kubelet's choices.
class CriLogPrinter {
 public:
  struct Options {
    bool timestamps = false;             // prefix each new line with its time
    std::optional<std::int64_t> since = {};  // skip entries older than this
  };
  CriLogPrinter(std::ostream& out, std::ostream& err, Options options);

  // One raw line; a line that does not parse is reported on stderr through
  // the log and skipped, as the kubelet does.
  void line(std::string_view raw);

 private:
  std::ostream& out_;
  std::ostream& err_;
  Options options_;
  bool atLineStart_ = true;
};

// Where the last `lines` lines of `content` begin (0 for all of it, which is
// also what a negative count means).
std::size_t tailStart(std::string_view content, long long lines);

}  // namespace crixctl

// The CRI log format as `crixctl logs` reads it: line parsing, partial-line
// joining, timestamps, --since and --tail.
#include <doctest/doctest.h>

#include <sstream>

#include "contrib/crixctl/CriLog.h"
#include "core/Error.h"

using namespace crixctl;

TEST_SUITE("crixctl-cri-log") {

TEST_CASE("a full stdout line keeps its newline") {
  const auto e = parseCriLogLine("2026-11-27T13:54:59.123456789Z stdout F hello world\n");
  CHECK(e.text == "hello world\n");
  CHECK_FALSE(e.isStderr);
  CHECK_FALSE(e.partial);
  CHECK(e.timestamp == "2026-11-27T13:54:59.123456789Z");
  CHECK(e.unixNanos == 1795787699123456789LL);
}

TEST_CASE("a partial stderr line loses its newline; tags after ':' are ignored") {
  const auto e = parseCriLogLine("2026-11-27T13:54:59.100000000Z stderr P:x part\n");
  CHECK(e.partial);
  CHECK(e.isStderr);
  CHECK(e.text == "part");
  // Go's RFC3339Nano drops trailing zeros.
  CHECK(e.timestamp == "2026-11-27T13:54:59.1Z");
}

TEST_CASE("malformed lines are refused with the reason") {
  CHECK_THROWS_WITH(parseCriLogLine("nonsense"), "timestamp is not found");
  CHECK_THROWS_WITH(parseCriLogLine("2026-11-27T13:54:59Z stdin F x\n"), "unexpected stream type \"stdin\"");
  CHECK_THROWS_WITH(parseCriLogLine("2026-11-27T13:54:59Z stdout\n"), "stream type is not found");
  CHECK_THROWS_AS(parseCriLogLine("yesterday stdout F x\n"), crix::Error);
}

TEST_CASE("RFC 3339 with zones and fractions") {
  CHECK(parseRfc3339("1970-01-01T00:00:01Z") == 1000000000LL);
  CHECK(parseRfc3339("1970-01-01T01:00:01+01:00") == 1000000000LL);
  CHECK(parseRfc3339("1970-01-01T00:00:00.5Z") == 500000000LL);
  CHECK_THROWS_AS(parseRfc3339("1970-01-01T00:00:00"), crix::Error);
  CHECK_THROWS_AS(parseRfc3339("1970-01-01 00:00:00Z"), crix::Error);
}

TEST_CASE("--since takes a duration, a time or Unix seconds") {
  const std::int64_t now = 2'000'000'000'000'000'000LL;
  CHECK(parseSince("10s", now) == now - 10'000'000'000LL);
  CHECK(parseSince("1970-01-01T00:00:02Z", now) == 2'000'000'000LL);
  CHECK(parseSince("3", now) == 3'000'000'000LL);
  CHECK_THROWS_AS(parseSince("soon", now), crix::Error);
}

TEST_CASE("partial lines are joined, streams kept apart, timestamps once per line") {
  std::ostringstream out, err;
  CriLogPrinter printer(out, err, {.timestamps = true});
  printer.line("2026-11-27T13:54:59.000000001Z stdout P hel\n");
  printer.line("2026-11-27T13:54:59.000000002Z stdout F lo\n");
  printer.line("2026-11-27T13:54:59.000000003Z stderr F oops\n");
  printer.line("garbage\n");  // logged and skipped
  CHECK(out.str() == "2026-11-27T13:54:59.000000001Z hello\n");
  CHECK(err.str() == "2026-11-27T13:54:59.000000003Z oops\n");
}

TEST_CASE("--since skips older entries") {
  std::ostringstream out, err;
  CriLogPrinter printer(out, err, {.since = parseRfc3339("2026-01-01T00:00:00Z")});
  printer.line("2025-12-31T23:59:59Z stdout F old\n");
  printer.line("2026-01-01T00:00:00Z stdout F new\n");
  CHECK(out.str() == "new\n");
  CHECK(err.str().empty());
}

TEST_CASE("--tail counts lines from the end") {
  const std::string text = "a\nb\nc\n";
  CHECK(tailStart(text, -1) == 0);
  CHECK(text.substr(tailStart(text, 1)) == "c\n");
  CHECK(text.substr(tailStart(text, 2)) == "b\nc\n");
  CHECK(tailStart(text, 3) == 0);
  CHECK(tailStart(text, 10) == 0);
  CHECK(tailStart(text, 0) == text.size());
  CHECK(std::string("a\nb").substr(tailStart("a\nb", 1)) == "b");
}

}  // TEST_SUITE

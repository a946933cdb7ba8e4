#include <doctest/doctest.h>

#include "config/Units.h"

using namespace crix::config;
using namespace std::chrono_literals;

TEST_SUITE("config") {

TEST_CASE("durations parse the way Go's time.ParseDuration does") {
  CHECK(parseDuration("0") == Duration{0});
  CHECK(parseDuration("30s") == Duration{30s});
  CHECK(parseDuration("1h30m") == Duration{90min});
  CHECK(parseDuration("1.5h") == Duration{90min});
  CHECK(parseDuration("250ms") == Duration{250ms});
  CHECK(parseDuration("2us") == Duration{2us});
  CHECK(parseDuration("2\xC2\xB5s") == Duration{2us});
  CHECK(parseDuration("7ns") == Duration{7});
  CHECK(parseDuration("-1m") == Duration{-1min});
  CHECK(parseDuration(".5s") == Duration{500ms});
  CHECK(parseDuration("2562047h47m16.854775807s") == Duration{INT64_MAX});

  CHECK_FALSE(parseDuration(""));
  CHECK_FALSE(parseDuration("30"));  // only a bare 0 may go without a unit
  CHECK_FALSE(parseDuration("3 s"));
  CHECK_FALSE(parseDuration("1d"));
  CHECK_FALSE(parseDuration("s"));
  CHECK_FALSE(parseDuration("."));
  CHECK_FALSE(parseDuration("2562047h47m16.854775808s"));  // one past int64
}

TEST_CASE("durations format in Go's shape and parse back") {
  CHECK(formatDuration(Duration{0}) == "0s");
  CHECK(formatDuration(4h) == "4h0m0s");
  CHECK(formatDuration(90s) == "1m30s");
  CHECK(formatDuration(1500ms) == "1.5s");
  CHECK(formatDuration(250ms) == "250ms");
  CHECK(formatDuration(Duration{1500}) == "1.5us");
  CHECK(formatDuration(Duration{-2s}) == "-2s");
  for (const Duration d : {Duration{0}, Duration{1}, Duration{999}, Duration{1234567890123},
                           Duration{-42s}, Duration{INT64_MAX}, Duration{INT64_MIN}}) {
    CHECK(parseDuration(formatDuration(d)) == d);
  }
}

TEST_CASE("memory sizes parse the way docker's RAMInBytes does") {
  CHECK(parseByteSize("12MiB")->bytes == 12 * 1024 * 1024);
  CHECK(parseByteSize("12m")->bytes == 12 * 1024 * 1024);
  CHECK(parseByteSize("12MB")->bytes == 12 * 1024 * 1024);  // binary whatever the spelling
  CHECK(parseByteSize("500KiB")->bytes == 500 * 1024);
  CHECK(parseByteSize("1.5g")->bytes == 1536LL * 1024 * 1024);
  CHECK(parseByteSize("1 GiB")->bytes == 1LL << 30);
  CHECK(parseByteSize("4096")->bytes == 4096);
  CHECK(parseByteSize("4096b")->bytes == 4096);
  CHECK_FALSE(parseByteSize(""));
  CHECK_FALSE(parseByteSize("MiB"));
  CHECK_FALSE(parseByteSize("12 MiBs"));
  CHECK_FALSE(parseByteSize("-1m"));
  CHECK_FALSE(parseByteSize("9999999p"));

  CHECK(formatByteSize(ByteSize{0}).empty());
  CHECK(formatByteSize(ByteSize{12 * 1024 * 1024}) == "12MiB");
  CHECK(formatByteSize(ByteSize{1536}) == "1536");
  for (const std::int64_t b : {1LL, 1023LL, 1024LL, 5LL << 40, 123456789LL}) {
    CHECK(parseByteSize(formatByteSize(ByteSize{b}))->bytes == b);
  }
}

}  // TEST_SUITE

#include <doctest/doctest.h>

#include "core/Log.h"

using crix::log::Level;
using crix::log::parseLevel;

TEST_CASE("log levels parse CRI-O's names") {
  CHECK(parseLevel("error") == Level::Error);
  CHECK(parseLevel("fatal") == Level::Error);
  CHECK(parseLevel("warn") == Level::Warn);
  CHECK(parseLevel("warning") == Level::Warn);
  CHECK(parseLevel("info") == Level::Info);
  CHECK(parseLevel("debug") == Level::Debug);
  CHECK(parseLevel("trace") == Level::Trace);
  CHECK_FALSE(parseLevel("loud").has_value());
}

TEST_CASE("a level enables itself and everything more severe") {
  const Level saved = crix::log::level();
  crix::log::setLevel(Level::Warn);
  CHECK(crix::log::enabled(Level::Error));
  CHECK(crix::log::enabled(Level::Warn));
  CHECK_FALSE(crix::log::enabled(Level::Info));
  crix::log::setLevel(saved);
}

TEST_CASE("a log line shows control bytes escaped, never raw") {
  CHECK(crix::log::quoted("a \"b\"\\") == "\"a \\\"b\\\"\\\\\"");
  CHECK(crix::log::quoted("line\r\nnext\t") == "\"line\\r\\nnext\\t\"");
  CHECK(crix::log::quoted("\x1b[31mred\x1b[0m\x7f") == "\"\\x1b[31mred\\x1b[0m\\x7f\"");
}

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <csignal>
#include <cstdlib>

#include "core/Log.h"

int main(int argc, char** argv) {
  // As in the daemon: a write to a peer that went away is an error, not a signal.
  std::signal(SIGPIPE, SIG_IGN);
  // CRIX_TEST_LOG=debug shows what the server did, for a failing test.
  if (const char* level = std::getenv("CRIX_TEST_LOG"))
    if (auto parsed = crix::log::parseLevel(level)) crix::log::setLevel(*parsed);
  doctest::Context context(argc, argv);
  return context.run();
}

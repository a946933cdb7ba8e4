// `crixctl logs` on a real file: reading once, and following it across a
// rotation (renamed, recreated) until the container stops.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "contrib/crixctl/LogFollower.h"
#include "core/Error.h"
#include "tests/support/TempDir.h"

using namespace crixctl;
using crix::test::TempDir;

namespace {

void append(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::app | std::ios::binary);
  out << text;
}

std::string line(const std::string& text, const char* tag = "F") {
  return "2026-11-27T13:54:59.000000000Z stdout " + std::string(tag) + " " + text + "\n";
}

// Joins a thread whatever happens, so a failing check cannot leave it running.
struct JoinGuard {
  std::thread& t;
  ~JoinGuard() {
    if (t.joinable()) t.join();
  }
};

}  // namespace

TEST_SUITE("crixctl-log-follower") {

TEST_CASE("reading once honours --tail and prints an unterminated last line") {
  TempDir dir("crixctl-logs");
  const std::string path = dir / "0.log";
  append(path, line("one") + line("two") + line("three") + "2026-11-27T13:54:59Z stdout F four");
  std::ostringstream out, err;
  CriLogPrinter printer(out, err, {});
  readLogFile(path, printer, {.tailLines = 2});
  CHECK(out.str() == "three\nfour");
}

TEST_CASE("a missing log file is an error") {
  TempDir dir("crixctl-logs");
  std::ostringstream out, err;
  CriLogPrinter printer(out, err, {});
  CHECK_THROWS_AS(readLogFile(dir / "none.log", printer, {}), crix::Error);
}

TEST_CASE("following picks up appended lines and the rotated file, and ends with the container") {
  TempDir dir("crixctl-logs");
  const std::string path = dir / "0.log";
  append(path, line("before"));
  std::atomic<bool> running{true};

  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    append(path, line("split ", "P"));
    append(path, line("line"));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    append(path, line("last in old"));
    std::rename(path.c_str(), (path + ".20261127-135459").c_str());
    append(path, line("first in new"));
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    append(path, line("final"));
    running = false;
  });
  JoinGuard guard{writer};

  std::ostringstream out, err;
  CriLogPrinter printer(out, err, {});
  const auto started = std::chrono::steady_clock::now();
  readLogFile(path, printer,
              {.follow = true,
               .stillRunning = [&] { return running.load(); },
               .pollInterval = std::chrono::milliseconds(20),
               .checkInterval = std::chrono::milliseconds(50)});
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(out.str() == "before\nsplit line\nlast in old\nfirst in new\nfinal\n");
}

}  // TEST_SUITE

// ExitWatcher on a temp directory laid out as <runroot>/containers: exit
// files that appear (renamed into place, as crix-conmon writes them) are
// reported at once; ones that were there before it started are reported too.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <set>
#include <vector>

#include "cri/runtime/ExitWatcher.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

namespace crix::cri {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class Reports {
 public:
  void add(const std::string& id) {
    std::lock_guard lock(mutex_);
    seen_.push_back(id);
    changed_.notify_all();
  }
  bool waitFor(const std::string& id, std::chrono::milliseconds limit) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, limit, [&] { return std::count(seen_.begin(), seen_.end(), id) > 0; });
  }
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_;
};

// As crix-conmon does: written aside, renamed into place.
void writeExit(const std::string& dir) {
  crix::test::writeFile(dir + "/.exit.tmp", "{\"exit_code\": 0}");
  fs::rename(dir + "/.exit.tmp", dir + "/exit");
}

TEST_SUITE("cri exit watcher") {

TEST_CASE("ExitWatcher: exits that happen while it runs, and ones from before it started") {
  crix::test::TempDir root;
  const std::string containers = root.path() + "/containers";
  fs::create_directories(containers + "/before");
  fs::create_directories(containers + "/running");
  writeExit(containers + "/before");
  Reports reports;
  ExitWatcher watcher(containers, [&](const std::string& id) { reports.add(id); });

  CHECK(reports.waitFor("before", 2s));
  CHECK_FALSE(reports.waitFor("running", 200ms));

  const auto started = std::chrono::steady_clock::now();
  writeExit(containers + "/running");
  CHECK(reports.waitFor("running", 2s));
  MESSAGE("reported after ", std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count(),
          " ms");

  // A container directory made after the watcher started, and its exit.
  fs::create_directories(containers + "/later");
  std::this_thread::sleep_for(100ms);
  CHECK_FALSE(reports.waitFor("later", 100ms));
  writeExit(containers + "/later");
  CHECK(reports.waitFor("later", 2s));

  // Other files in a container directory, and removed directories, are not exits.
  crix::test::writeFile(containers + "/running/container.json", "{}");
  fs::remove_all(containers + "/before");
  std::this_thread::sleep_for(200ms);
  const auto seen = reports.seen();
  CHECK(std::set<std::string>(seen.begin(), seen.end()) == std::set<std::string>{"before", "running", "later"});
}

TEST_CASE("ExitWatcher: a receiver that throws does not stop the reports of other containers") {
  crix::test::TempDir root;
  const std::string containers = root.path() + "/containers";
  fs::create_directories(containers + "/bad");
  fs::create_directories(containers + "/good");
  Reports reports;
  ExitWatcher watcher(containers, [&](const std::string& id) {
    if (id == "bad") throw std::runtime_error("record write failed");
    reports.add(id);
  });
  writeExit(containers + "/bad");
  writeExit(containers + "/good");
  CHECK(reports.waitFor("good", 2s));
}

}  // TEST_SUITE

}  // namespace
}  // namespace crix::cri

// StatsCache with counting sources: stats and ImageFsInfo reads never walk
// a directory (only the worker does), and with a collection period the
// cgroups are read by the worker, not by the calls.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "core/Error.h"
#include "cri/runtime/StatsCache.h"
#include "tests/support/Eventually.h"

namespace crix::cri {
namespace {

using namespace std::chrono_literals;
using crix::test::eventually;

struct Counting {
  std::atomic<int> layerWalks{0}, fsWalks{0}, cgroupReads{0};
  std::atomic<uint64_t> bytes{100};

  StatsSources sources() {
    return {.containers = [] { return std::vector<StatsSources::Live>{{"running", "/kubepods/a"}, {"created", ""}}; },
            .writableLayer =
                [this](const std::string& id) {
                  ++layerWalks;
                  if (id == "created") throw Error::notFound("no root filesystem yet");
                  return storage::DirectoryUsage{"", bytes.load(), 3};
                },
            .imageFs =
                [this] {
                  ++fsWalks;
                  return storage::DirectoryUsage{"", 5000, 50};
                },
            .containerFs = [] { return storage::DirectoryUsage{"", 700, 7}; },
            .cgroup =
                [this](const std::string&) {
                  ++cgroupReads;
                  oci::CgroupStats stats;
                  stats.timestampNanos = 1000 + cgroupReads.load();
                  stats.cpuUsageCoreNanos = 42;
                  return stats;
                }};
  }
};

}  // namespace

TEST_SUITE("cri stats cache") {
  TEST_CASE("reads come from the worker's last walk, and never walk themselves") {
    Counting counting;
    StatsCache cache(counting.sources(), 0s);
    REQUIRE(eventually([&] { return cache.rounds() >= 1; }, 5s));
    const int walks = counting.layerWalks.load();
    const int fsWalks = counting.fsWalks.load();
    CHECK(walks == 2);
    CHECK(fsWalks == 1);
    for (int i = 0; i < 100; ++i) {
      const auto layer = cache.writableLayer("running");
      REQUIRE(layer.has_value());
      CHECK(layer->usage.usedBytes == 100);
      CHECK(layer->timestampNanos > 0);
      CHECK(cache.imageFs().usage.usedBytes == 5000);
      CHECK(cache.containerFs().usage.inodesUsed == 7);
    }
    CHECK(counting.layerWalks.load() == walks);
    CHECK(counting.fsWalks.load() == fsWalks);
    // A container the walk could not measure has no figure, not an error.
    CHECK_FALSE(cache.writableLayer("created").has_value());
    CHECK_FALSE(cache.writableLayer("unknown").has_value());
  }

  TEST_CASE("collection period 0: cgroups are read on each call, for running containers only") {
    Counting counting;
    StatsCache cache(counting.sources(), 0s);
    CHECK_FALSE(cache.periodic());
    const int before = counting.cgroupReads.load();
    const auto first = cache.cgroup("running", "/kubepods/a");
    const auto second = cache.cgroup("running", "/kubepods/a");
    REQUIRE(first.has_value());
    REQUIRE(second.has_value());
    CHECK(counting.cgroupReads.load() == before + 2);
    CHECK(first->timestampNanos != second->timestampNanos);
    CHECK_FALSE(cache.cgroup("created", "").has_value());
  }

  TEST_CASE("collection period N: the worker reads the cgroups every N s and calls share its reading") {
    Counting counting;
    StatsCache cache(counting.sources(), 1s);
    CHECK(cache.periodic());
    REQUIRE(eventually([&] { return cache.rounds() >= 1; }, 5s));
    const auto a = cache.cgroup("running", "/kubepods/a");
    const auto b = cache.cgroup("running", "/kubepods/a");
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(a->timestampNanos == b->timestampNanos);
    CHECK(counting.cgroupReads.load() == 1);
    // The next round brings a new reading, and a new walk of the disk.
    counting.bytes = 200;
    REQUIRE(eventually([&] { return cache.rounds() >= 2; }, 5s));
    REQUIRE(eventually([&] { return cache.writableLayer("running")->usage.usedBytes == 200; }, 5s));
    CHECK(cache.cgroup("running", "/kubepods/a")->timestampNanos != a->timestampNanos);
  }

  TEST_CASE("a failing walk keeps the last figures, and destruction stops the worker at once") {
    Counting counting;
    auto sources = counting.sources();
    std::atomic<bool> fail{false};
    sources.imageFs = [&] {
      if (fail) throw Error::internal("disk went away");
      return storage::DirectoryUsage{"", 9, 1};
    };
    const auto started = std::chrono::steady_clock::now();
    {
      StatsCache cache(sources, 1s);
      REQUIRE(eventually([&] { return cache.rounds() >= 1; }, 5s));
      fail = true;
      REQUIRE(eventually([&] { return cache.rounds() >= 2; }, 5s));
      CHECK(cache.imageFs().usage.usedBytes == 9);
    }
    CHECK(std::chrono::steady_clock::now() - started < 10s);
  }
}

}  // namespace crix::cri

// SingleFlight: waiters share a leader's success but never its failure.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <stdexcept>
#include <thread>

#include "storage/SingleFlight.h"

using crix::storage::SingleFlight;
using namespace std::chrono_literals;

TEST_CASE("SingleFlight: a waiter shares the leader's success and does not run its own work") {
  SingleFlight<std::string, int> flight;
  std::atomic<int> runs{0};
  std::latch leaderStarted(1);
  std::thread leader([&] {
    CHECK(flight.run("k", [&] {
      ++runs;
      leaderStarted.count_down();
      std::this_thread::sleep_for(200ms);
      return 7;
    }) == 7);
  });
  leaderStarted.wait();
  CHECK(flight.run("k", [&] { ++runs; return 8; }) == 7);
  leader.join();
  CHECK(runs == 1);
}

TEST_CASE("SingleFlight: a waiter whose leader fails runs its own work and gets its own outcome") {
  SingleFlight<std::string, int> flight;
  std::latch leaderStarted(1);
  std::thread leader([&] {
    CHECK_THROWS_WITH_AS(flight.run("k",
                                    [&]() -> int {
                                      leaderStarted.count_down();
                                      std::this_thread::sleep_for(200ms);
                                      throw std::runtime_error("wrong credentials");
                                    }),
                         "wrong credentials", std::runtime_error);
  });
  leaderStarted.wait();
  std::atomic<int> ownRuns{0};
  CHECK(flight.run("k", [&] { ++ownRuns; return 9; }) == 9);
  leader.join();
  CHECK(ownRuns == 1);
}

TEST_CASE("SingleFlight: a key is free again after its flight, whether it succeeded or failed") {
  SingleFlight<std::string, int> flight;
  CHECK_THROWS_AS(flight.run("k", []() -> int { throw std::runtime_error("x"); }), std::runtime_error);
  CHECK(flight.run("k", [] { return 1; }) == 1);
  CHECK(flight.run("k", [] { return 2; }) == 2);
}

TEST_CASE("SingleFlight: a waiter that keeps meeting failing leaders ends up running its work alone") {
  SingleFlight<std::string, int> flight;
  std::atomic<bool> stop{false};
  // A stream of failing leaders, each in flight for a while.
  std::thread failing([&] {
    while (!stop) {
      try {
        flight.run("k", [&]() -> int {
          std::this_thread::sleep_for(50ms);
          throw std::runtime_error("cancelled");
        });
      } catch (const std::runtime_error&) {
      }
    }
  });
  std::this_thread::sleep_for(10ms);
  const auto started = std::chrono::steady_clock::now();
  CHECK(flight.run("k", [] { return 5; }) == 5);
  CHECK(std::chrono::steady_clock::now() - started < 5s);
  stop = true;
  failing.join();
}

// Waiting in a test for another thread's work (a worker's round, a closed
// connection, a call reaching a fake) without a timed assertion: the limit
// only bounds the test.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace crix::test {

// Polls `condition` every 5 ms; false when it still fails after `limit`.
inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace crix::test

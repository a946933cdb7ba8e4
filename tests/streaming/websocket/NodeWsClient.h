// Runs tests/streaming/js/ws-client.js (npm's `ws`, an implementation that
// is not ours) against a loopback port, bounded in time, and collects the
// JSON lines it prints. Missing node or node_modules fail the calling test
// with a message saying what to install; they never skip it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/support/Subprocess.h"

namespace crix::streaming::test {

struct NodeRun {
  crix::test::ProcessResult process;
  std::vector<nlohmann::json> lines;

  // The first line whose "event" is `event`; fails the test when none.
  nlohmann::json event(const std::string& event) const;
  bool has(const std::string& event) const;
};

// tests/streaming/js, from $CRIX_SOURCE_ROOT or the build's source root.
std::string jsDirectory();

NodeRun runWsClient(const std::string& scenario, int port);

}  // namespace crix::streaming::test

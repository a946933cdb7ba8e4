// Runs tests/cri/streaming/js/ws-client.js (npm's `ws`, an implementation that
// is not ours) against a loopback port, bounded in time, and collects the
// JSON lines it prints (tests/support/NodeScript). Missing node or
// node_modules fail the calling test with a message saying what to install;
// they never skip it.
#pragma once

#include <string>

#include "tests/support/NodeScript.h"

namespace crix::streaming::test {

using crix::test::NodeRun;

// Also checks (doctest CHECKs) that every line was JSON and the script exited 0 in time.
NodeRun runWsClient(const std::string& scenario, int port);

}  // namespace crix::streaming::test

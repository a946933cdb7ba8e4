// Runs one of tests/cri/streaming/js/server-*.js (npm's `ws` or `spdy-transport`,
// implementations that are not ours) with a JSON scenario, bounded in time,
// and collects the JSON lines it prints (tests/support/NodeScript). Missing
// node or node_modules fail the calling test with a message saying what to
// install; never a skip.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>

#include "tests/support/NodeScript.h"

namespace crix::streaming::test {

using crix::test::NodeRun;

// `script`: "server-ws.js" or "server-spdy.js".
NodeRun runNodeClient(const std::string& script, const nlohmann::json& scenario,
                      std::chrono::milliseconds timeout = std::chrono::seconds(40));

}  // namespace crix::streaming::test

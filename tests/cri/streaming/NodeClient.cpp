#include "tests/cri/streaming/NodeClient.h"

namespace crix::streaming::test {

NodeRun runNodeClient(const std::string& script, const nlohmann::json& scenario, std::chrono::milliseconds timeout) {
  // Both packages, whichever script: a half-installed node_modules should
  // fail every interop test the same way.
  return crix::test::runNodeScript(script, {"ws", "spdy-transport"}, {scenario.dump()}, timeout);
}

}  // namespace crix::streaming::test

#include "tests/cri/streaming/websocket/NodeWsClient.h"

#include <doctest/doctest.h>

#include <chrono>

namespace crix::streaming::test {

NodeRun runWsClient(const std::string& scenario, int port) {
  NodeRun run = crix::test::runNodeScript("ws-client.js", {"ws"}, {scenario, std::to_string(port)},
                                          std::chrono::seconds(30));
  for (const auto& line : run.lines)
    if (line.value("event", "") == "unparsed")
      FAIL_CHECK("ws-client.js printed a line that is not JSON: " << line.value("text", ""));
  INFO(run.transcript());
  CHECK_FALSE(run.process.timedOut);
  CHECK(run.process.exitCode == 0);
  return run;
}

}  // namespace crix::streaming::test

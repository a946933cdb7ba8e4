// Runs tests/cri/streaming/js/client-ws-server.js (a kubelet-like streaming
// server on npm's `ws`, an implementation that is not ours) for one test:
// started in the constructor, its port read from its first line, killed
// and reaped in the destructor whatever happened (tests/support/NodeScript).
// Missing node or node_modules fail the test with what to install; they
// never skip it.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/support/NodeScript.h"

namespace crix::streaming::test {

class NodeWsServer {
 public:
  // `tlsFiles`: CERT KEY [CA] for https (with CA: client certificates required).
  explicit NodeWsServer(const std::string& scenario, int connections = 1, std::vector<std::string> tlsFiles = {});

  int port() const { return port_; }

  // Waits (bounded) for the server to exit after its connections closed,
  // checks it exited 0, and returns the JSON lines it printed.
  std::vector<nlohmann::json> finish();

  // Everything it printed so far, for failure messages.
  std::string output() const { return process_.output(); }

 private:
  crix::test::NodeScriptProcess process_;
  int port_ = 0;
};

using crix::test::hasEvent;

// The first line whose "event" is `event`; fails the test when none.
nlohmann::json eventOf(const std::vector<nlohmann::json>& lines, const std::string& event);

}  // namespace crix::streaming::test

#include "tests/streaming/websocket/NodeWsClient.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <sstream>

namespace crix::streaming::test {

namespace {

std::string findNode() {
  if (::access("/usr/bin/node", X_OK) == 0) return "/usr/bin/node";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  std::string dir;
  while (std::getline(dirs, dir, ':'))
    if (!dir.empty() && ::access((dir + "/node").c_str(), X_OK) == 0) return dir + "/node";
  return "";
}

}  // namespace

std::string jsDirectory() {
  const char* root = std::getenv("CRIX_SOURCE_ROOT");
  return std::string(root && *root ? root : CRIX_SOURCE_ROOT) + "/tests/streaming/js";
}

NodeRun runWsClient(const std::string& scenario, int port) {
  const std::string node = findNode();
  if (node.empty()) FAIL("node is not installed: the WebSocket interop tests need nodejs (apt-get install nodejs)");
  const std::string js = jsDirectory();
  if (::access((js + "/node_modules/ws/package.json").c_str(), R_OK) != 0)
    FAIL("npm package ws is missing in " << js << "/node_modules: run `npm ci` in " << js);

  NodeRun run;
  run.process = crix::test::runProcess({node, js + "/ws-client.js", scenario, std::to_string(port)},
                                       std::chrono::seconds(30));
  std::istringstream out(run.process.out);
  std::string line;
  while (std::getline(out, line)) {
    if (line.empty()) continue;
    try {
      run.lines.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception&) {
      FAIL_CHECK("ws-client.js printed a line that is not JSON: " << line);
    }
  }
  INFO("ws-client.js stdout:\n" << run.process.out << "\nstderr:\n" << run.process.err);
  CHECK_FALSE(run.process.timedOut);
  CHECK(run.process.exitCode == 0);
  return run;
}

bool NodeRun::has(const std::string& event) const {
  for (const auto& line : lines)
    if (line.value("event", "") == event) return true;
  return false;
}

nlohmann::json NodeRun::event(const std::string& event) const {
  for (const auto& line : lines)
    if (line.value("event", "") == event) return line;
  FAIL("ws-client.js printed no \"" << event << "\" event; it printed:\n" << process.out << process.err);
  return {};
}

}  // namespace crix::streaming::test

#include "tests/cri/streaming/client/NodeWsServer.h"

#include <doctest/doctest.h>
#include <sys/wait.h>

#include <chrono>

namespace crix::streaming::test {

namespace {

std::vector<std::string> serverArgs(const std::string& scenario, int connections,
                                    const std::vector<std::string>& tlsFiles) {
  std::vector<std::string> args = {scenario, std::to_string(connections)};
  args.insert(args.end(), tlsFiles.begin(), tlsFiles.end());
  return args;
}

}  // namespace

NodeWsServer::NodeWsServer(const std::string& scenario, int connections, std::vector<std::string> tlsFiles)
    : process_("client-ws-server.js", {"ws"}, serverArgs(scenario, connections, tlsFiles)) {
  port_ = process_.waitForEvent("listening", std::chrono::seconds(10)).value("port", 0);
  if (port_ == 0) FAIL("client-ws-server.js listened on no port:\n" << output());
}

std::vector<nlohmann::json> NodeWsServer::finish() {
  int status = 0;
  const bool exited = process_.waitForExit(std::chrono::seconds(25), status);
  INFO("client-ws-server.js printed:\n" << output());
  CHECK(exited);
  CHECK((exited && WIFEXITED(status) && WEXITSTATUS(status) == 0));
  // Only the script's own lines: node's warnings are not events.
  std::vector<nlohmann::json> lines;
  for (auto& line : crix::test::parseJsonLines(output()))
    if (line.is_object() && line.value("event", "") != "unparsed") lines.push_back(std::move(line));
  return lines;
}

nlohmann::json eventOf(const std::vector<nlohmann::json>& lines, const std::string& event) {
  return crix::test::eventOf(lines, event, "client-ws-server.js");
}

}  // namespace crix::streaming::test

// Runs the node scripts in tests/cri/streaming/js (clients and servers on npm's
// `ws` and `spdy-transport`, implementations that are not ours) for a test,
// and reads the JSON lines they print. Missing node or npm packages are an
// error saying what to install, so the calling test fails, never skips.
// Failures throw std::runtime_error (this library does not link doctest);
// doctest reports the message as the test's failure.
#pragma once

#include <sys/types.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

namespace crix::test {

// tests/cri/streaming/js, from $CRIX_SOURCE_ROOT or the build's source root.
std::string nodeScriptDirectory();

// {node, <js dir>/script, args...}; throws when node or one of `packages`
// (names under node_modules) is missing.
std::vector<std::string> nodeScriptCommand(const std::string& script, const std::vector<std::string>& packages,
                                           const std::vector<std::string>& args);

// One JSON value per non-empty line; a line that is not JSON (node's own
// warnings, a crash trace) becomes {"event": "unparsed", "text": line}.
std::vector<nlohmann::json> parseJsonLines(const std::string& text);

bool hasEvent(const std::vector<nlohmann::json>& lines, const std::string& event);
// The first line whose "event" is `event`; throws, naming `who` and listing
// the lines, when none.
nlohmann::json eventOf(const std::vector<nlohmann::json>& lines, const std::string& event,
                       const std::string& who = "the node script");

// A script run to completion.
struct NodeRun {
  std::string script;
  ProcessResult process;
  std::vector<nlohmann::json> lines;

  // The first line whose "event" is `event`; throws with the transcript when none.
  nlohmann::json event(const std::string& event) const;
  bool has(const std::string& event) const { return hasEvent(lines, event); }
  // Exit status and everything it printed, for failure messages.
  std::string transcript() const;
};

NodeRun runNodeScript(const std::string& script, const std::vector<std::string>& packages,
                      const std::vector<std::string>& args, std::chrono::milliseconds timeout);

// A script that runs beside the test (a server): output goes to a log file
// in its own temp dir; killed and reaped in the destructor whatever happened.
class NodeScriptProcess {
 public:
  NodeScriptProcess(const std::string& script, const std::vector<std::string>& packages,
                    const std::vector<std::string>& args);
  ~NodeScriptProcess();
  NodeScriptProcess(const NodeScriptProcess&) = delete;
  NodeScriptProcess& operator=(const NodeScriptProcess&) = delete;

  // The first line with this "event", polled until `timeout`; throws with
  // the output when the script exits first or the time is up.
  nlohmann::json waitForEvent(const std::string& event, std::chrono::milliseconds timeout);

  // Reaps the script if it exits within `timeout`: true with its wait status.
  bool waitForExit(std::chrono::milliseconds timeout, int& status);

  // Everything it printed so far.
  std::string output() const;
  const std::string& script() const { return script_; }

 private:
  std::string script_;
  TempDir dir_{"crix-node-script"};
  std::string logPath_;
  pid_t pid_ = -1;
};

}  // namespace crix::test

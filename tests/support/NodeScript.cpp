#include "tests/support/NodeScript.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/ChildProcess.h"

namespace crix::test {

namespace {

using Clock = std::chrono::steady_clock;

std::string findNode() {
  if (::access("/usr/bin/node", X_OK) == 0) return "/usr/bin/node";
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');)
    if (!dir.empty() && ::access((dir + "/node").c_str(), X_OK) == 0) return dir + "/node";
  // Older Debian releases named the binary nodejs.
  if (::access("/usr/bin/nodejs", X_OK) == 0) return "/usr/bin/nodejs";
  return "";
}

const nlohmann::json* findEvent(const std::vector<nlohmann::json>& lines, const std::string& event) {
  for (const auto& line : lines)
    if (line.is_object() && line.value("event", "") == event) return &line;
  return nullptr;
}

std::string listed(const std::vector<nlohmann::json>& lines) {
  std::string all;
  for (const auto& line : lines) all += line.dump() + "\n";
  return all;
}

}  // namespace

std::string nodeScriptDirectory() {
  const char* root = std::getenv("CRIX_SOURCE_ROOT");
  return std::string(root && *root ? root : CRIX_SOURCE_ROOT) + "/tests/cri/streaming/js";
}

std::vector<std::string> nodeScriptCommand(const std::string& script, const std::vector<std::string>& packages,
                                           const std::vector<std::string>& args) {
  const std::string node = findNode();
  if (node.empty())
    throw std::runtime_error("node is not installed: the tests that run " + script +
                             " need nodejs (apt-get install nodejs)");
  const std::string js = nodeScriptDirectory();
  for (const auto& package : packages)
    if (::access((js + "/node_modules/" + package + "/package.json").c_str(), R_OK) != 0)
      throw std::runtime_error("npm package " + package + " is missing in " + js + "/node_modules: run `npm ci` in " +
                               js);
  std::vector<std::string> argv = {node, js + "/" + script};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

std::vector<nlohmann::json> parseJsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    auto parsed = nlohmann::json::parse(line, nullptr, false);
    if (parsed.is_discarded()) parsed = nlohmann::json{{"event", "unparsed"}, {"text", line}};
    lines.push_back(std::move(parsed));
  }
  return lines;
}

bool hasEvent(const std::vector<nlohmann::json>& lines, const std::string& event) {
  return findEvent(lines, event) != nullptr;
}

nlohmann::json eventOf(const std::vector<nlohmann::json>& lines, const std::string& event, const std::string& who) {
  if (const auto* line = findEvent(lines, event)) return *line;
  throw std::runtime_error(who + " printed no \"" + event + "\" event; it printed:\n" + listed(lines));
}

nlohmann::json NodeRun::event(const std::string& event) const {
  if (const auto* line = findEvent(lines, event)) return *line;
  throw std::runtime_error(script + " printed no \"" + event + "\" event:\n" + transcript());
}

std::string NodeRun::transcript() const {
  std::ostringstream s;
  s << script << " exit " << process.exitCode << (process.timedOut ? " (timed out)" : "") << "\nstdout:\n"
    << process.out << "stderr:\n" << process.err;
  return s.str();
}

NodeRun runNodeScript(const std::string& script, const std::vector<std::string>& packages,
                      const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
  NodeRun run;
  run.script = script;
  run.process = runProcess(nodeScriptCommand(script, packages, args), timeout);
  run.lines = parseJsonLines(run.process.out);
  return run;
}

NodeScriptProcess::NodeScriptProcess(const std::string& script, const std::vector<std::string>& packages,
                                     const std::vector<std::string>& args)
    : script_(script), logPath_(dir_ / "script.log") {
  pid_ = spawnWithLog(nodeScriptCommand(script, packages, args), logPath_);
}

NodeScriptProcess::~NodeScriptProcess() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  crix::test::waitForExit(pid_, Clock::now() + std::chrono::seconds(5), status);
}

nlohmann::json NodeScriptProcess::waitForEvent(const std::string& event, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (true) {
    const auto lines = parseJsonLines(output());
    if (const auto* line = findEvent(lines, event)) return *line;
    if (pid_ <= 0) throw std::runtime_error(script_ + " is not running; it printed:\n" + output());
    int status = 0;
    if (crix::test::waitForExit(pid_, Clock::now(), status)) {
      pid_ = -1;
      throw std::runtime_error(script_ + " exited before its \"" + event + "\" event:\n" + output());
    }
    if (Clock::now() >= deadline)
      throw std::runtime_error(script_ + " printed no \"" + event + "\" event within " +
                               std::to_string(timeout.count()) + " ms:\n" + output());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

bool NodeScriptProcess::waitForExit(std::chrono::milliseconds timeout, int& status) {
  if (pid_ <= 0) return false;
  const bool exited = crix::test::waitForExit(pid_, Clock::now() + timeout, status);
  if (exited) pid_ = -1;
  return exited;
}

std::string NodeScriptProcess::output() const {
  return ::access(logPath_.c_str(), R_OK) == 0 ? readFile(logPath_) : std::string();
}

}  // namespace crix::test

#include "conmon/RuntimeCommand.h"

namespace crix::conmon {
namespace {

std::vector<std::string> globalPart(const Options& o) {
  std::vector<std::string> argv{o.runtime};
  if (!o.runtimeRoot.empty()) argv.insert(argv.end(), {"--root", o.runtimeRoot});
  argv.insert(argv.end(), o.runtimeArgs.begin(), o.runtimeArgs.end());
  return argv;
}

}  // namespace

std::vector<std::string> runtimeCreateCommand(const Options& o, const std::string& consoleSocket) {
  std::vector<std::string> argv = globalPart(o);
  argv.insert(argv.end(), {"create", "--bundle", o.bundle, "--pid-file", o.pidFile});
  if (!consoleSocket.empty()) argv.insert(argv.end(), {"--console-socket", consoleSocket});
  argv.push_back(o.cid);
  return argv;
}

std::vector<std::string> runtimeExecCommand(const Options& o, const std::string& pidFile,
                                            const std::string& consoleSocket) {
  std::vector<std::string> argv = globalPart(o);
  argv.insert(argv.end(), {"exec", "--detach", "--pid-file", pidFile, "--process", o.processFile});
  if (!consoleSocket.empty()) argv.insert(argv.end(), {"--tty", "--console-socket", consoleSocket});
  argv.push_back(o.cid);
  return argv;
}

}  // namespace crix::conmon

#include "tests/oci/runtime/MonitoredContainer.h"

#include <csignal>
#include <filesystem>
#include <sstream>

#include "tests/support/Subprocess.h"

#ifndef CRIX_CONMON_BINARY
#error "tests/oci/runtime/meson.build defines CRIX_CONMON_BINARY"
#endif

namespace crix::oci::testing {

RuntimeHandlerInfo testRuntime(const RuncBundle& bundle) {
  RuntimeHandlerInfo info;
  info.name = "runc";
  info.runtimePath = kRunc;
  info.runtimeRoot = bundle.stateDir();
  info.monitorPath = CRIX_CONMON_BINARY;
  return info;
}

MonitoredContainer::MonitoredContainer(const std::string& script)
    : runtime(testRuntime(bundle), std::chrono::seconds(60)) {
  bundle.ctr.config.clear_command();
  bundle.ctr.config.add_command("/bin/sh");
  bundle.ctr.config.add_command("-c");
  bundle.ctr.config.add_command(script);
  spec = bundle.spec();

  const std::string d = bundle.dir();
  request.containerId = bundle.id();
  request.bundleDir = d;
  request.runtime = testRuntime(bundle);
  request.logPath = d + "/ctr.log";
  request.exitFile = d + "/exit";
  request.attachSocket = d + "/attach";
  request.ctlFifo = d + "/ctl";
  request.pidFile = d + "/pid";
  request.conmonPidFile = d + "/conmon.pid";
  request.cgroupPath = cgroupsPath();
  request.syncTimeout = std::chrono::seconds(60);
}

MonitoredContainer::~MonitoredContainer() {
  // The exit file must exist before runc delete removes the cgroup
  // (conmon/README.md), so the container is killed and waited for first.
  test::runProcess({kRunc, "--root", bundle.stateDir(), "kill", "--all", bundle.id(), "KILL"},
                   std::chrono::seconds(20));
  waitForExit(std::chrono::seconds(10));
  // ~RuncBundle then runs runc delete --force and removes the cgroups.
}

MonitorStarted MonitoredContainer::create() {
  bundle.writeSpec(spec);
  return startMonitor(request);
}

MonitorStarted MonitoredContainer::run() {
  const MonitorStarted started = create();
  runtime.start(bundle.id());
  return started;
}

bool MonitoredContainer::waitForExit(std::chrono::milliseconds timeout) const {
  return waitUntil([&] { return std::filesystem::exists(request.exitFile); }, timeout);
}

std::string MonitoredContainer::log() const { return test::readFile(request.logPath); }

bool processAlive(int pid) {
  const std::string stat = test::readFile("/proc/" + std::to_string(pid) + "/stat");
  if (stat.empty()) return false;
  const auto close = stat.rfind(')');
  return close != std::string::npos && stat.size() > close + 2 && stat[close + 2] != 'Z';
}

int parentPid(int pid) {
  const std::string stat = test::readFile("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream rest(stat.substr(close + 2));
  char state = 0;
  int ppid = 0;
  rest >> state >> ppid;
  return ppid;
}

}  // namespace crix::oci::testing

// A busybox container started the way the daemon starts one: crix-conmon in
// create mode through startMonitor, runc state in the bundle's private
// directory. Cleanup (kill, wait for the exit file, runc delete) also runs
// when a test fails half-way.
#pragma once

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "oci/runtime/MonitorLauncher.h"
#include "oci/runtime/OciRuntime.h"
#include "tests/oci/runtime/RuncBundle.h"

namespace crix::oci::testing {

// The crix-conmon built with these tests.
RuntimeHandlerInfo testRuntime(const RuncBundle& bundle);

class MonitoredContainer {
 public:
  // `script` runs under /bin/sh -c in the container.
  explicit MonitoredContainer(const std::string& script);
  ~MonitoredContainer();
  MonitoredContainer(const MonitoredContainer&) = delete;
  MonitoredContainer& operator=(const MonitoredContainer&) = delete;

  // startMonitor with the request below (adjust it first).
  MonitorStarted create();
  // create() then runc start.
  MonitorStarted run();

  // Waits up to `timeout` for the exit file; false if it did not come.
  bool waitForExit(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  std::string log() const;
  std::string cgroupsPath() const { return spec["linux"]["cgroupsPath"]; }

  RuncBundle bundle;
  nlohmann::json spec;
  MonitorStart request;
  OciRuntime runtime;
};

// Polls until `done` or the timeout; returns done's last answer.
template <class Pred>
bool waitUntil(Pred done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

// Whether a process exists and is not a zombie.
bool processAlive(int pid);
// The parent pid from /proc/PID/stat (0 when gone).
int parentPid(int pid);

}  // namespace crix::oci::testing

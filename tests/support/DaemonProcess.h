// A real crix daemon for one test: its own socket, root, runroot and config
// under a temp dir, its log captured to a file. Killed and reaped when the
// test ends, whatever happened.
//
// Where CRIX_CONMON_BINARY is defined (the integration tests), the daemon also
// gets a runtime set up for tests, in crix.conf.d/00-crix-test-runtime.conf:
// runc at /usr/sbin/runc with its state under <tmp>/runc, crix-conmon from the
// build, and every state/log/exit/namespace directory under <tmp>, so nothing
// touches the host's /run/crix or /var/log. Pods get a loopback-only CNI
// network from networkDir(), plugins from /usr/lib/cni. A test that needs other values
// for these keys writes a later drop-in. The destructor also stops whatever
// containers runc still runs under <tmp>/runc and detaches every mount left
// under <tmp>, so a failed test leaves nothing behind on the host.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cri/api/Cri.h"
#include "tests/support/TempDir.h"

namespace crix::test {

class DaemonProcess {
 public:
  // `configText` is written to <tmp>/crix.conf and passed with --config.
  explicit DaemonProcess(std::string configText = "");
  ~DaemonProcess();
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Starts crix and waits (bounded) until its socket accepts connections.
  // Throws with the daemon's log when it does not come up.
  void start(const std::vector<std::string>& extraArgs = {});
  // Starts crix and waits for it to exit by itself; returns its exit code.
  int runToExit(const std::vector<std::string>& extraArgs = {},
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

  void signal(int sig) const;
  // Waits (bounded) for the daemon to exit; returns its exit code, or nullopt
  // when it did not exit in time or died from a signal.
  std::optional<int> waitExit(std::chrono::milliseconds timeout = std::chrono::seconds(15));
  bool running();

  const std::string& socketPath() const { return socket_; }
  std::string endpoint() const { return "unix://" + socket_; }
  const std::string& configPath() const { return configFile_; }
  const std::string& configDir() const { return configDir_; }
  const TempDir& dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  // The directories the test runtime configuration points at.
  std::string rootDir() const { return dir_ / "root"; }
  std::string runrootDir() const { return dir_ / "runroot"; }
  std::string runcRoot() const { return dir_ / "runc"; }  // runc --root
  std::string podLogDir() const { return dir_ / "pod-logs"; }  // [crio] log_dir
  // [crio.network] network_dir; holds 99-crix-test-loopback.conflist.
  std::string networkDir() const { return dir_ / "cni/net.d"; }

  // What a reboot (or the end of the test) does to the daemon's containers:
  // kills and deletes every container runc has under runcRoot() and detaches
  // every mount under dir(). Call it with the daemon stopped.
  void removeLeftovers() const;
  std::string log() const;
  // Waits (bounded) until the log contains `text`.
  bool waitForLog(const std::string& text, std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;

  std::unique_ptr<runtime::v1::RuntimeService::Stub> runtimeClient() const;
  std::unique_ptr<runtime::v1::ImageService::Stub> imageClient() const;

 private:
  std::vector<std::string> commandLine(const std::vector<std::string>& extraArgs) const;
  void spawn(const std::vector<std::string>& extraArgs);
  void writeTestRuntimeConfig() const;

  TempDir dir_;
  std::string socket_, configFile_, configDir_, logFile_;
  pid_t pid_ = -1;
};

// A context whose deadline keeps a test from hanging on the daemon.
std::unique_ptr<grpc::ClientContext> deadlineContext(
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace crix::test

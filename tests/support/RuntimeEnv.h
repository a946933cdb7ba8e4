// What the RuntimeService integration tests share: a daemon with the test
// runtime (runc + crix-conmon, all state under a temp dir), busybox images
// loaded into it, and bounded helpers over the CRI for pods and containers.
//
// Every RPC carries a deadline and every wait has a bound. The destructor
// stops and removes every pod through the daemon (so a failing test still
// cleans up), then DaemonProcess kills whatever runc still runs and detaches
// leftover mounts, and the per-env cgroup parent is removed.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cri/api/Cri.h"
#include "tests/support/DaemonProcess.h"
#include "tests/support/TempDir.h"

namespace crix::test {

namespace v1 = runtime::v1;

// Names under which RuntimeEnv loads its images: busyboxRecipe() plus
// /bin symlinks for the applets the tests call by name (sleep, cat, id, ps...).
inline constexpr const char* kBusybox = "example.test/crix/busybox:latest";
// The same image with `StopSignal: SIGUSR1` in its config.
inline constexpr const char* kBusyboxUsr1 = "example.test/crix/busybox:usr1";

// The image archives, built once per test binary run (building takes
// seconds; loading an archive into a daemon is cheap).
struct TestImageArchives {
  std::string busybox;      // OCI layout tar
  std::string busyboxUsr1;  // OCI layout tar, StopSignal SIGUSR1
};
const TestImageArchives& testImageArchives();

// True when runc, busybox-static and python3 are here; otherwise the test
// fails (FAIL_CHECK naming what is missing) and the caller returns.
bool runtimeToolsPresent();

class RuntimeEnv {
 public:
  // Starts a daemon (extra drop-in config text optional) and loads both images.
  explicit RuntimeEnv(const std::string& extraConfig = "");
  ~RuntimeEnv();
  RuntimeEnv(const RuntimeEnv&) = delete;
  RuntimeEnv& operator=(const RuntimeEnv&) = delete;

  DaemonProcess& daemon() { return *daemon_; }
  v1::RuntimeService::Stub& rt() { return *runtime_; }
  v1::ImageService::Stub& images() { return *image_; }
  // A scratch dir for the test (host volumes, pod log dirs).
  const TempDir& dir() const { return dir_; }
  // The cgroup parent every pod from podConfig() uses ("/crix-test-XXXX").
  const std::string& cgroupParent() const { return cgroupParent_; }

  // The end of the daemon's log, for failure messages.
  std::string logTail(size_t bytes = 3000) const;

  // kill -9 the daemon and start it again on the same root/runroot/config.
  void killDaemon();
  void startDaemon();

  // ---- pods
  // A pod config as kubelet sends it: unique uid, log_directory under dir(),
  // cgroup_parent, pid namespace CONTAINER.
  v1::PodSandboxConfig podConfig(const std::string& name);
  grpc::Status tryRunPod(const v1::PodSandboxConfig& config, std::string* id);
  std::string runPod(const v1::PodSandboxConfig& config);  // REQUIREs success
  grpc::Status stopPod(const std::string& id);
  grpc::Status removePod(const std::string& id);
  grpc::Status tryPodStatus(const std::string& id, v1::PodSandboxStatusResponse* resp, bool verbose = false);
  v1::PodSandboxStatus podStatus(const std::string& id);  // REQUIREs success
  std::vector<v1::PodSandbox> listPods(const v1::PodSandboxFilter* filter = nullptr);

  // ---- containers
  // A container config running `command` in kBusybox, log_path "<name>.log",
  // pid namespace CONTAINER (kubelet's default).
  static v1::ContainerConfig containerConfig(const std::string& name, const std::vector<std::string>& command);
  grpc::Status tryCreateContainer(const std::string& podId, const v1::ContainerConfig& config,
                                  const v1::PodSandboxConfig& podConfig, std::string* id);
  std::string createContainer(const std::string& podId, const v1::ContainerConfig& config,
                              const v1::PodSandboxConfig& podConfig);  // REQUIREs success
  grpc::Status startContainer(const std::string& id);
  // create + start, REQUIREing both.
  std::string runContainer(const std::string& podId, const v1::ContainerConfig& config,
                           const v1::PodSandboxConfig& podConfig);
  grpc::Status stopContainer(const std::string& id, int64_t timeoutSeconds = 10);
  grpc::Status removeContainer(const std::string& id);
  grpc::Status tryContainerStatus(const std::string& id, v1::ContainerStatusResponse* resp, bool verbose = false);
  v1::ContainerStatus containerStatus(const std::string& id);  // REQUIREs success
  std::vector<v1::Container> listContainers(const v1::ContainerFilter* filter = nullptr);
  // Polls ContainerStatus until the state is CONTAINER_EXITED (bounded); the
  // last status either way.
  v1::ContainerStatus waitExited(const std::string& id,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(20));
  grpc::Status execSync(const std::string& id, const std::vector<std::string>& cmd, v1::ExecSyncResponse* resp,
                        int64_t timeoutSeconds = 0);
  // ExecSync that must succeed at the RPC level and exit 0; returns stdout.
  std::string execOut(const std::string& id, const std::vector<std::string>& cmd);

  // ---- the host's view
  // The container's init pid as runc reports it (0 when runc has no state).
  pid_t runcPid(const std::string& id) const;
  // runc's status word for the container ("running", "stopped", "" when unknown).
  std::string runcStatus(const std::string& id) const;
  // The host directory of the cgroup of `pid` for a v1 `controller` (or the
  // v2 unified dir); empty when it cannot be found.
  static std::string cgroupDirOf(pid_t pid, const std::string& controller);
  static bool cgroupV2();
  // The log's entries' text with CRI framing removed and P pieces joined.
  static std::string logText(const std::string& path);
  // Polls until `path` contains `text` (bounded).
  static bool waitForFile(const std::string& path, const std::string& text,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  void loadImages();
  void removeEverything();

  TempDir dir_{"crix-rt"};
  std::string cgroupParent_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<v1::RuntimeService::Stub> runtime_;
  std::unique_ptr<v1::ImageService::Stub> image_;
  int podCounter_ = 0;
};

// A line of a CRI log file: "<RFC3339Nano> <stream> <P|F> <text>".
struct CriLogEntry {
  std::string time, stream, tag, text;
};
std::vector<CriLogEntry> parseCriLog(const std::string& content);

// Splits "a\nb\n" into {"a", "b"}.
std::vector<std::string> lines(const std::string& text);

}  // namespace crix::test

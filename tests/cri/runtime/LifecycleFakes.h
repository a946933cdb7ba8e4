// In-memory stand-ins for what the container and pod lifecycles reach on the
// node (OciBackend, ContainerImages, PodSandboxBackend), and a harness that
// wires the real lifecycles to them over a temporary state directory. Each
// fake keeps what it holds (containers, root filesystems, namespaces,
// attachments) so a test can check that nothing is left behind, and can be
// told to fail or to block a step, so a test can hold a call in flight.
#pragma once

#include <csignal>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "config/Config.h"
#include "core/Error.h"
#include "cri/LiveConfig.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/runtime/PodLifecycle.h"
#include "cri/state/RuntimeState.h"
#include "tests/support/TempDir.h"

namespace crix::cri::fakes {

// A step a test holds until it opens the gate; awaitEntered() tells that a
// call reached it. A gate left closed (a test that failed half way) opens
// by itself after 30 s, so that no test hangs on it.
class Gate {
 public:
  void close() {
    std::lock_guard lock(mutex_);
    open_ = false;
  }
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    changed_.notify_all();
  }
  void pass() {
    std::unique_lock lock(mutex_);
    ++entered_;
    changed_.notify_all();
    changed_.wait_for(lock, std::chrono::seconds(30), [&] { return open_; });
  }
  // False after 10 s without a call.
  bool awaitEntered(int count = 1) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::seconds(10), [&] { return entered_ >= count; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool open_ = true;
  int entered_ = 0;
};

class FakeOciBackend final : public OciBackend {
 public:
  enum class State { Created, Running, Exited };
  struct Container {
    State state = State::Created;
    std::string exitFile;
    bool ignoresStopSignal = false;
  };

  // Read by launch(): the next container ignores its stop signal.
  bool nextIgnoresStopSignal = false;
  bool failLaunch = false;
  bool failStart = false;
  Gate launchGate, startGate;

  int launch(const oci::MonitorStart& request) override {
    launchGate.pass();
    std::lock_guard lock(mutex_);
    if (failLaunch) throw Error::internal("runc create: fake failure");
    containers_[request.containerId] = Container{State::Created, request.exitFile, nextIgnoresStopSignal};
    calls_.push_back("launch " + request.containerId);
    return 1000 + static_cast<int>(containers_.size());
  }
  void start(const oci::RuntimeHandlerInfo&, const std::string& id) override {
    startGate.pass();
    std::lock_guard lock(mutex_);
    calls_.push_back("start " + id);
    if (failStart) throw Error{StatusCode::Unknown, "runc start: fake failure"};
    auto& ctr = find(id);
    if (ctr.state == State::Created) ctr.state = State::Running;
  }
  void kill(const oci::RuntimeHandlerInfo&, const std::string& id, int signal, bool) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("kill " + id + " " + std::to_string(signal));
    auto& ctr = find(id);
    if (ctr.state == State::Exited) throw Error::failedPrecondition("container " + id + " is not running");
    if (signal == SIGKILL || !ctr.ignoresStopSignal) exitLocked(id, 128 + signal);
  }
  void remove(const oci::RuntimeHandlerInfo&, const std::string& id) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("remove " + id);
    containers_.erase(id);
  }
  void update(const oci::RuntimeHandlerInfo&, const std::string& id, const nlohmann::json& linux) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("update " + id + " " + linux.dump());
  }
  oci::ExecSyncResult execSync(const oci::RuntimeHandlerInfo&, const std::string& id, const nlohmann::json& process,
                               std::chrono::seconds, const std::string&) override {
    std::lock_guard lock(mutex_);
    calls_.push_back("exec " + id);
    oci::ExecSyncResult result;
    result.stdoutData = process.at("args").dump();
    result.exitCode = 0;
    return result;
  }
  std::optional<oci::ExitRecord> readExit(const std::string& exitFile) const override {
    std::lock_guard lock(mutex_);
    const auto it = exits_.find(exitFile);
    if (it == exits_.end()) return std::nullopt;
    return it->second;
  }
  void reopenLog(const std::string&, std::chrono::milliseconds) override {}
  void removeMonitorCgroup(const std::string&) override {}

  // The container's process ends on its own.
  void exit(const std::string& id, int code) {
    std::lock_guard lock(mutex_);
    exitLocked(id, code);
  }
  void exitAll(int code) {
    std::lock_guard lock(mutex_);
    for (auto& [id, ctr] : containers_) exitLocked(id, code);
  }
  std::optional<State> state(const std::string& id) const {
    std::lock_guard lock(mutex_);
    const auto it = containers_.find(id);
    if (it == containers_.end()) return std::nullopt;
    return it->second.state;
  }
  std::set<std::string> ids() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> ids;
    for (const auto& [id, ctr] : containers_) ids.insert(id);
    return ids;
  }
  std::vector<std::string> calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  Container& find(const std::string& id) {
    const auto it = containers_.find(id);
    if (it == containers_.end()) throw Error::notFound("container " + id + " does not exist");
    return it->second;
  }
  void exitLocked(const std::string& id, int code) {
    auto& ctr = find(id);
    if (ctr.state == State::Exited) return;
    ctr.state = State::Exited;
    oci::ExitRecord exit;
    exit.exitCode = code;
    exit.finishedAtNanos = 1;
    exits_[ctr.exitFile] = exit;
  }

  mutable std::mutex mutex_;
  std::map<std::string, Container> containers_;
  std::map<std::string, oci::ExitRecord> exits_;
  std::vector<std::string> calls_;
};

class FakeContainerImages final : public ContainerImages {
 public:
  static constexpr const char* kImageId = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

  explicit FakeContainerImages(std::string rootfsDir) : rootfsDir_(std::move(rootfsDir)) {
    add("docker.io/library/busybox:latest");
  }

  std::optional<storage::ImageRecord> lookup(const std::string& name, const registry::RegistriesConf&) const override {
    std::lock_guard lock(mutex_);
    for (const auto& image : images_)
      for (const auto& tag : image.repoTags)
        if (tag == name || tag == "docker.io/library/" + name + ":latest" || image.id == name) return image;
    return std::nullopt;
  }
  void pull(const storage::PullRequest& request, const registry::RegistriesConf&) override {
    {
      std::lock_guard lock(mutex_);
      pulls_.push_back(request.image);
    }
    add(request.image);
  }
  std::string configJson(const std::string&) const override {
    return R"({"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/bin"]},"rootfs":{"type":"layers","diff_ids":[]}})";
  }
  // A directory, as the spec builder reads the image's /etc/passwd.
  std::string createRootfs(const std::string& containerId, const storage::ImageRecord&) override {
    std::lock_guard lock(mutex_);
    const std::string path = rootfsDir_ + "/" + containerId;
    std::filesystem::create_directories(path + "/etc");
    rootfs_.insert(containerId);
    return path;
  }
  void removeRootfs(const std::string& containerId, const std::string&) override {
    std::lock_guard lock(mutex_);
    std::filesystem::remove_all(rootfsDir_ + "/" + containerId);
    rootfs_.erase(containerId);
  }

  std::set<std::string> rootfs() const {
    std::lock_guard lock(mutex_);
    return rootfs_;
  }
  std::vector<std::string> pulls() const {
    std::lock_guard lock(mutex_);
    return pulls_;
  }

 private:
  void add(const std::string& tag) {
    std::lock_guard lock(mutex_);
    storage::ImageRecord image;
    image.id = std::string(kImageId).substr(0, 60) + std::to_string(10 + images_.size());
    image.repoTags = {tag};
    images_.push_back(image);
  }

  std::string rootfsDir_;
  mutable std::mutex mutex_;
  std::vector<storage::ImageRecord> images_;
  std::set<std::string> rootfs_;
  std::vector<std::string> pulls_;
};

class FakePodSandbox final : public PodSandboxBackend {
 public:
  bool failAttach = false;
  Gate detachGate;

  netns::PinnedNamespaces pinNamespaces(const netns::PodNamespaceRequest& request) override {
    std::lock_guard lock(mutex_);
    netns::PinnedNamespaces pinned;
    if (request.network) pinned.network = "/fake/netns/" + request.podId;
    if (request.ipc) pinned.ipc = "/fake/ipcns/" + request.podId;
    if (request.uts) pinned.uts = "/fake/utsns/" + request.podId;
    namespaces_.insert(request.podId);
    return pinned;
  }
  void releaseNamespaces(const std::string& podId) override {
    std::lock_guard lock(mutex_);
    namespaces_.erase(podId);
  }
  netns::cni::PodNetworkStatus attachNetwork(const netns::cni::PodNetworkRequest& request) override {
    std::lock_guard lock(mutex_);
    if (failAttach) throw Error::failedPrecondition("CNI ADD: fake failure");
    attached_.insert(request.podId);
    return {"fake-net", {"10.88.0." + std::to_string(attached_.size() + 1)}};
  }
  void detachNetwork(const std::string& podId) override {
    detachGate.pass();
    std::lock_guard lock(mutex_);
    if (attached_.erase(podId) > 0) ++detaches_;
  }
  void mountShm(const std::string& path, uint64_t) override {
    std::lock_guard lock(mutex_);
    shm_.insert(path);
  }
  void unmountShm(const std::string& path) override {
    std::lock_guard lock(mutex_);
    shm_.erase(path);
  }

  // Pods that still hold something on the "node".
  std::set<std::string> holders() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> all = namespaces_;
    all.insert(attached_.begin(), attached_.end());
    return all;
  }
  std::size_t shmMounts() const {
    std::lock_guard lock(mutex_);
    return shm_.size();
  }
  int detaches() const {
    std::lock_guard lock(mutex_);
    return detaches_;
  }

 private:
  mutable std::mutex mutex_;
  std::set<std::string> namespaces_, attached_, shm_;
  int detaches_ = 0;
};

// crio.conf as the lifecycles need it here: a "runc" handler whose binaries
// exist (resolveRuntime checks that) but are never run.
inline config::Config fakeNodeConfig(const crix::test::TempDir& dir, bool dropInfra = true) {
  auto cfg = config::defaults();
  cfg.crio.root = dir / "root";
  cfg.crio.runroot = dir / "run";
  cfg.image.registries_conf = dir / "absent-registries.conf";
  cfg.runtime.cgroup_manager = "cgroupfs";
  cfg.runtime.drop_infra_ctr = dropInfra;
  auto& runc = cfg.runtime.runtimes["runc"];
  runc.runtime_path = "/bin/true";
  runc.monitor_path = "/bin/true";
  return cfg;
}

struct LifecycleHarness {
  explicit LifecycleHarness(bool dropInfra = true)
      : config(fakeNodeConfig(dir, dropInfra)),
        state(StateLayout(dir / "run")),
        images(dir / "rootfs"),
        containers(config, state, images, oci),
        pods(config, state, sandbox, containers) {}

  runtime::v1::RunPodSandboxRequest podRequest(const std::string& name) const {
    runtime::v1::RunPodSandboxRequest request;
    auto* m = request.mutable_config()->mutable_metadata();
    m->set_name(name);
    m->set_namespace_("default");
    m->set_uid("uid-" + name);
    return request;
  }
  std::string runPod(const std::string& name) { return pods.run(podRequest(name)); }

  runtime::v1::CreateContainerRequest containerRequest(const std::string& podId, const std::string& name) const {
    runtime::v1::CreateContainerRequest request;
    request.set_pod_sandbox_id(podId);
    request.mutable_config()->mutable_metadata()->set_name(name);
    request.mutable_config()->mutable_image()->set_image("busybox");
    request.mutable_config()->add_command("sleep");
    return request;
  }
  std::string createContainer(const std::string& podId, const std::string& name) {
    return containers.create(containerRequest(podId, name));
  }
  std::string runContainer(const std::string& podId, const std::string& name) {
    const auto id = createContainer(podId, name);
    containers.start(id);
    return id;
  }

  // What is still held anywhere, "" when nothing: records, runtime state,
  // root filesystems, namespaces or network attachments, /dev/shm mounts.
  std::string leftovers() const {
    std::string left;
    const auto note = [&](const std::string& what, std::size_t count) {
      if (count > 0) left += (left.empty() ? "" : ", ") + std::to_string(count) + " " + what;
    };
    note("pod records", state.pods().size());
    note("container records", state.containers().size());
    note("runtime containers", oci.ids().size());
    note("root filesystems", images.rootfs().size());
    note("pods holding namespaces or a network", sandbox.holders().size());
    note("shm mounts", sandbox.shmMounts());
    return left;
  }

  // Declared after a test's futures, it ends whatever they wait for when
  // the test leaves early (a failed REQUIRE): every gate opens, every
  // container exits, so no future's destructor waits out a grace period.
  class Unblocker {
   public:
    explicit Unblocker(LifecycleHarness& h) : h_(h) {}
    Unblocker(const Unblocker&) = delete;
    Unblocker& operator=(const Unblocker&) = delete;
    ~Unblocker() {
      for (Gate* gate : {&h_.oci.launchGate, &h_.oci.startGate, &h_.sandbox.detachGate}) gate->open();
      h_.oci.exitAll(137);
    }

   private:
    LifecycleHarness& h_;
  };

  crix::test::TempDir dir{"crix-lifecycle"};
  LiveConfig config;
  RuntimeState state;
  FakeOciBackend oci;
  FakeContainerImages images;
  FakePodSandbox sandbox;
  ContainerLifecycle containers;
  PodLifecycle pods;
};

}  // namespace crix::cri::fakes

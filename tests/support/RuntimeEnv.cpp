#include "tests/support/RuntimeEnv.h"

#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/Subprocess.h"
#include "tests/support/TestImages.h"

namespace crix::test {
namespace fs = std::filesystem;

namespace {

std::string randomSuffix() {
  std::random_device rd;
  std::ostringstream out;
  out << std::hex << rd() << rd();
  return out.str();
}

std::string tarLayout(const TempDir& dir, const nlohmann::json& recipe, const std::string& name) {
  buildImage(recipe, dir / name);
  const std::string tar = dir / (name + ".tar");
  runChecked({"/bin/tar", "-C", dir / name, "-cf", tar, "."});
  return tar;
}

// The v1 hierarchies a container's cgroup lives in; removed in this order
// (children before parents is handled by the depth-first walk).
const std::vector<std::string> kV1Controllers = {"memory", "cpu", "cpuacct", "pids", "blkio", "devices",
                                                 "freezer", "cpuset", "hugetlb", "net_cls", "perf_event",
                                                 "systemd"};

// rmdir a cgroup subtree, deepest first. Cgroup dirs hold only kernel
// files, so rmdir (not remove_all) is the only way and the right one.
void removeCgroupTree(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_directory(ec) && !e.is_symlink(ec)) removeCgroupTree(e.path());
  ::rmdir(dir.c_str());
}

}  // namespace

bool runtimeToolsPresent() {
  if (fs::exists("/usr/sbin/runc") && fs::exists("/bin/busybox") && fs::exists("/usr/bin/python3") &&
      fs::exists("/bin/tar") && ::geteuid() == 0)
    return true;
  FAIL_CHECK("missing tool, the test cannot run: needs root, /usr/sbin/runc, busybox-static, python3 and tar");
  return false;
}

// busyboxRecipe() has only busybox and sh; the tests run these applets by
// name, as a pod spec would.
static nlohmann::json withApplets(nlohmann::json recipe) {
  for (const char* applet : {"sleep", "cat", "id", "ps", "ip", "hostname", "touch", "head", "tail", "true", "false",
                             "unshare", "nsenter", "ls", "echo", "dd", "mount", "umount", "kill", "httpd", "wget", "mkdir"})
    recipe["layers"][0]["entries"].push_back({{"path", std::string("bin/") + applet}, {"symlink", "busybox"}});
  // What an infra container runs (crio.conf pause_command = "/pause").
  recipe["layers"][0]["entries"].push_back(
      {{"path", "pause"}, {"content", "#!/bin/sh\ntrap 'exit 0' TERM\nwhile :; do sleep 1; done\n"}, {"mode", 493}});
  return recipe;
}

const TestImageArchives& testImageArchives() {
  // Built on first use and kept for the rest of the run; the TempDir goes
  // away at exit.
  static TempDir dir{"crix-rt-images"};
  static const TestImageArchives archives = [] {
    TestImageArchives a;
    a.busybox = tarLayout(dir, withApplets(busyboxRecipe("latest")), "busybox");
    auto usr1 = withApplets(busyboxRecipe("usr1"));
    usr1["config"]["StopSignal"] = "SIGUSR1";
    a.busyboxUsr1 = tarLayout(dir, usr1, "busybox-usr1");
    return a;
  }();
  return archives;
}

RuntimeEnv::RuntimeEnv(const std::string& extraConfig) : cgroupParent_("/crix-test-" + randomSuffix()) {
  daemon_ = std::make_unique<DaemonProcess>();
  if (!extraConfig.empty()) writeFile(daemon_->configDir() + "/50-test.conf", extraConfig);
  startDaemon();
  loadImages();
}

RuntimeEnv::~RuntimeEnv() {
  try {
    removeEverything();
  } catch (...) {
    // The DaemonProcess destructor below is the net under this one.
  }
  daemon_.reset();
  if (cgroupV2()) {
    removeCgroupTree("/sys/fs/cgroup" + cgroupParent_);
  } else {
    for (const auto& c : kV1Controllers) removeCgroupTree("/sys/fs/cgroup/" + c + cgroupParent_);
    removeCgroupTree("/sys/fs/cgroup/unified" + cgroupParent_);
  }
}

void RuntimeEnv::removeEverything() {
  if (!daemon_ || !daemon_->running()) return;
  v1::ListPodSandboxResponse pods;
  if (!runtime_->ListPodSandbox(deadlineContext().get(), {}, &pods).ok()) return;
  for (const auto& p : pods.items()) {
    stopPod(p.id());
    removePod(p.id());
  }
  // Containers whose pod is already gone should not exist, but a daemon bug
  // must not leak them past the test.
  v1::ListContainersResponse containers;
  if (!runtime_->ListContainers(deadlineContext().get(), {}, &containers).ok()) return;
  for (const auto& c : containers.containers()) {
    stopContainer(c.id(), 0);
    removeContainer(c.id());
  }
}

void RuntimeEnv::killDaemon() {
  daemon_->signal(SIGKILL);
  REQUIRE_FALSE(daemon_->waitExit(std::chrono::seconds(10)).has_value());  // died from the signal
  REQUIRE_FALSE(daemon_->running());
}

void RuntimeEnv::startDaemon() {
  daemon_->start();
  runtime_ = daemon_->runtimeClient();
  image_ = daemon_->imageClient();
}

void RuntimeEnv::loadImages() {
  const auto& archives = testImageArchives();
  auto transfer = crix::v1::ImageTransfer::NewStub(
      grpc::CreateChannel("unix:" + daemon_->socketPath(), grpc::InsecureChannelCredentials()));
  for (const auto& [path, name] :
       std::vector<std::pair<std::string, std::string>>{{archives.busybox, kBusybox},
                                                        {archives.busyboxUsr1, kBusyboxUsr1}}) {
    crix::v1::LoadImageRequest req;
    req.set_path(path);
    req.set_name(name);
    crix::v1::LoadImageResponse resp;
    const auto status = transfer->LoadImage(deadlineContext(std::chrono::seconds(60)).get(), req, &resp);
    REQUIRE_MESSAGE(status.ok(), "loading " << name << ": " << status.error_message());
  }
}

std::string RuntimeEnv::logTail(size_t bytes) const {
  const auto log = daemon_->log();
  return log.size() > bytes ? log.substr(log.size() - bytes) : log;
}

// ---- pods

v1::PodSandboxConfig RuntimeEnv::podConfig(const std::string& name) {
  v1::PodSandboxConfig c;
  c.mutable_metadata()->set_name(name);
  c.mutable_metadata()->set_namespace_("crix-test");
  c.mutable_metadata()->set_uid(randomSuffix());
  c.mutable_metadata()->set_attempt(0);
  c.set_hostname(name);
  const std::string logDir = dir_ / ("pod-logs/" + name + "-" + std::to_string(podCounter_++));
  fs::create_directories(logDir);
  c.set_log_directory(logDir);
  c.mutable_linux()->set_cgroup_parent(cgroupParent_);
  // What kubelet sends for a pod without shareProcessNamespace (the enum's
  // zero value would be POD).
  c.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::CONTAINER);
  return c;
}

grpc::Status RuntimeEnv::tryRunPod(const v1::PodSandboxConfig& config, std::string* id) {
  v1::RunPodSandboxRequest req;
  *req.mutable_config() = config;
  v1::RunPodSandboxResponse resp;
  const auto status = runtime_->RunPodSandbox(deadlineContext(std::chrono::seconds(30)).get(), req, &resp);
  if (id) *id = resp.pod_sandbox_id();
  return status;
}

std::string RuntimeEnv::runPod(const v1::PodSandboxConfig& config) {
  std::string id;
  const auto status = tryRunPod(config, &id);
  REQUIRE_MESSAGE(status.ok(), "RunPodSandbox: " << status.error_message() << "\ndaemon log ends:\n" << logTail());
  REQUIRE_FALSE(id.empty());
  return id;
}

grpc::Status RuntimeEnv::stopPod(const std::string& id) {
  v1::StopPodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  v1::StopPodSandboxResponse resp;
  return runtime_->StopPodSandbox(deadlineContext(std::chrono::seconds(60)).get(), req, &resp);
}

grpc::Status RuntimeEnv::removePod(const std::string& id) {
  v1::RemovePodSandboxRequest req;
  req.set_pod_sandbox_id(id);
  v1::RemovePodSandboxResponse resp;
  return runtime_->RemovePodSandbox(deadlineContext(std::chrono::seconds(60)).get(), req, &resp);
}

grpc::Status RuntimeEnv::tryPodStatus(const std::string& id, v1::PodSandboxStatusResponse* resp, bool verbose) {
  v1::PodSandboxStatusRequest req;
  req.set_pod_sandbox_id(id);
  req.set_verbose(verbose);
  return runtime_->PodSandboxStatus(deadlineContext().get(), req, resp);
}

v1::PodSandboxStatus RuntimeEnv::podStatus(const std::string& id) {
  v1::PodSandboxStatusResponse resp;
  const auto status = tryPodStatus(id, &resp);
  REQUIRE_MESSAGE(status.ok(), "PodSandboxStatus " << id << ": " << status.error_message());
  return resp.status();
}

std::vector<v1::PodSandbox> RuntimeEnv::listPods(const v1::PodSandboxFilter* filter) {
  v1::ListPodSandboxRequest req;
  if (filter) *req.mutable_filter() = *filter;
  v1::ListPodSandboxResponse resp;
  const auto status = runtime_->ListPodSandbox(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), "ListPodSandbox: " << status.error_message());
  return {resp.items().begin(), resp.items().end()};
}

// ---- containers

v1::ContainerConfig RuntimeEnv::containerConfig(const std::string& name, const std::vector<std::string>& command) {
  v1::ContainerConfig c;
  c.mutable_metadata()->set_name(name);
  c.mutable_image()->set_image(kBusybox);
  for (const auto& a : command) c.add_command(a);
  c.set_log_path(name + ".log");
  // kubelet's default: own pid namespace, the pod's network and IPC.
  c.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::CONTAINER);
  return c;
}

grpc::Status RuntimeEnv::tryCreateContainer(const std::string& podId, const v1::ContainerConfig& config,
                                            const v1::PodSandboxConfig& podConfig, std::string* id) {
  v1::CreateContainerRequest req;
  req.set_pod_sandbox_id(podId);
  *req.mutable_config() = config;
  *req.mutable_sandbox_config() = podConfig;
  v1::CreateContainerResponse resp;
  const auto status = runtime_->CreateContainer(deadlineContext(std::chrono::seconds(30)).get(), req, &resp);
  if (id) *id = resp.container_id();
  return status;
}

std::string RuntimeEnv::createContainer(const std::string& podId, const v1::ContainerConfig& config,
                                        const v1::PodSandboxConfig& podConfig) {
  std::string id;
  const auto status = tryCreateContainer(podId, config, podConfig, &id);
  REQUIRE_MESSAGE(status.ok(), "CreateContainer " << config.metadata().name() << ": " << status.error_message()
                                                   << "\ndaemon log ends:\n" << logTail());
  REQUIRE_FALSE(id.empty());
  return id;
}

grpc::Status RuntimeEnv::startContainer(const std::string& id) {
  v1::StartContainerRequest req;
  req.set_container_id(id);
  v1::StartContainerResponse resp;
  return runtime_->StartContainer(deadlineContext(std::chrono::seconds(30)).get(), req, &resp);
}

std::string RuntimeEnv::runContainer(const std::string& podId, const v1::ContainerConfig& config,
                                     const v1::PodSandboxConfig& podConfig) {
  const auto id = createContainer(podId, config, podConfig);
  const auto status = startContainer(id);
  REQUIRE_MESSAGE(status.ok(), "StartContainer " << config.metadata().name() << ": " << status.error_message()
                                                  << "\ndaemon log ends:\n" << logTail());
  return id;
}

grpc::Status RuntimeEnv::stopContainer(const std::string& id, int64_t timeoutSeconds) {
  v1::StopContainerRequest req;
  req.set_container_id(id);
  req.set_timeout(timeoutSeconds);
  v1::StopContainerResponse resp;
  return runtime_->StopContainer(deadlineContext(std::chrono::seconds(timeoutSeconds + 30)).get(), req, &resp);
}

grpc::Status RuntimeEnv::removeContainer(const std::string& id) {
  v1::RemoveContainerRequest req;
  req.set_container_id(id);
  v1::RemoveContainerResponse resp;
  return runtime_->RemoveContainer(deadlineContext(std::chrono::seconds(40)).get(), req, &resp);
}

grpc::Status RuntimeEnv::tryContainerStatus(const std::string& id, v1::ContainerStatusResponse* resp,
                                            bool verbose) {
  v1::ContainerStatusRequest req;
  req.set_container_id(id);
  req.set_verbose(verbose);
  return runtime_->ContainerStatus(deadlineContext().get(), req, resp);
}

v1::ContainerStatus RuntimeEnv::containerStatus(const std::string& id) {
  v1::ContainerStatusResponse resp;
  const auto status = tryContainerStatus(id, &resp);
  REQUIRE_MESSAGE(status.ok(), "ContainerStatus " << id << ": " << status.error_message());
  return resp.status();
}

std::vector<v1::Container> RuntimeEnv::listContainers(const v1::ContainerFilter* filter) {
  v1::ListContainersRequest req;
  if (filter) *req.mutable_filter() = *filter;
  v1::ListContainersResponse resp;
  const auto status = runtime_->ListContainers(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), "ListContainers: " << status.error_message());
  return {resp.containers().begin(), resp.containers().end()};
}

v1::ContainerStatus RuntimeEnv::waitExited(const std::string& id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  v1::ContainerStatus last;
  do {
    last = containerStatus(id);
    if (last.state() == v1::CONTAINER_EXITED) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return last;
}

grpc::Status RuntimeEnv::execSync(const std::string& id, const std::vector<std::string>& cmd,
                                  v1::ExecSyncResponse* resp, int64_t timeoutSeconds) {
  v1::ExecSyncRequest req;
  req.set_container_id(id);
  for (const auto& a : cmd) req.add_cmd(a);
  req.set_timeout(timeoutSeconds);
  const auto bound = std::chrono::seconds(timeoutSeconds > 0 ? timeoutSeconds + 20 : 30);
  return runtime_->ExecSync(deadlineContext(bound).get(), req, resp);
}

std::string RuntimeEnv::execOut(const std::string& id, const std::vector<std::string>& cmd) {
  v1::ExecSyncResponse resp;
  const auto status = execSync(id, cmd, &resp);
  REQUIRE_MESSAGE(status.ok(), "ExecSync: " << status.error_message());
  REQUIRE_MESSAGE(resp.exit_code() == 0, "ExecSync exit " << resp.exit_code() << ", stderr: " << resp.stderr());
  return resp.stdout();
}

// ---- the host's view

pid_t RuntimeEnv::runcPid(const std::string& id) const {
  const auto r = runProcess({"/usr/sbin/runc", "--root", daemon_->runcRoot(), "state", id}, std::chrono::seconds(10));
  if (r.exitCode != 0) return 0;
  const auto state = nlohmann::json::parse(r.out, nullptr, false);
  if (state.is_discarded()) return 0;
  return state.value("pid", 0);
}

std::string RuntimeEnv::runcStatus(const std::string& id) const {
  const auto r = runProcess({"/usr/sbin/runc", "--root", daemon_->runcRoot(), "state", id}, std::chrono::seconds(10));
  if (r.exitCode != 0) return "";
  const auto state = nlohmann::json::parse(r.out, nullptr, false);
  if (state.is_discarded()) return "";
  return state.value("status", "");
}

bool RuntimeEnv::cgroupV2() { return fs::exists("/sys/fs/cgroup/cgroup.controllers"); }

std::string RuntimeEnv::cgroupDirOf(pid_t pid, const std::string& controller) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cgroup");
  std::string line;
  while (std::getline(in, line)) {
    // "ID:controller[,controller]:path"; v2 has an empty controller list.
    const auto first = line.find(':');
    const auto second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const auto controllers = line.substr(first + 1, second - first - 1);
    const auto path = line.substr(second + 1);
    if (cgroupV2()) {
      if (controllers.empty()) return "/sys/fs/cgroup" + path;
      continue;
    }
    std::istringstream names(controllers);
    std::string name;
    while (std::getline(names, name, ','))
      if (name == controller) return "/sys/fs/cgroup/" + controller + path;
  }
  return "";
}

std::vector<CriLogEntry> parseCriLog(const std::string& content) {
  std::vector<CriLogEntry> entries;
  for (const auto& line : lines(content)) {
    CriLogEntry e;
    const auto a = line.find(' ');
    const auto b = a == std::string::npos ? a : line.find(' ', a + 1);
    const auto c = b == std::string::npos ? b : line.find(' ', b + 1);
    if (c == std::string::npos) {
      // "<time> <stream> <tag>" with empty text has no third space.
      if (b == std::string::npos) continue;
      e.time = line.substr(0, a);
      e.stream = line.substr(a + 1, b - a - 1);
      e.tag = line.substr(b + 1);
    } else {
      e.time = line.substr(0, a);
      e.stream = line.substr(a + 1, b - a - 1);
      e.tag = line.substr(b + 1, c - b - 1);
      e.text = line.substr(c + 1);
    }
    entries.push_back(e);
  }
  return entries;
}

std::string RuntimeEnv::logText(const std::string& path) {
  std::string text;
  for (const auto& e : parseCriLog(readFile(path))) {
    text += e.text;
    if (e.tag == "F") text += "\n";
  }
  return text;
}

bool RuntimeEnv::waitForFile(const std::string& path, const std::string& text, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    std::error_code ec;
    if (fs::exists(path, ec) && readFile(path).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

}  // namespace crix::test

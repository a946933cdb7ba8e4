#include "tests/oci/runtime/RuncBundle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>

#include "oci/RuntimeSpecBuilder.h"

namespace crix::oci::testing {
namespace {

namespace fs = std::filesystem;

const char* const kApplets[] = {"sh",     "cat",   "echo",    "id",       "touch", "grep",
                                "swapon", "mount", "unshare", "hostname", "wc",    "ls",
                                "sleep",  "head",  "true",    "false"};

std::string uniqueId() {
  static std::atomic<int> counter{0};
  return "crix-oci-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

void writeFile(const std::string& path, const std::string& text) { test::writeFile(path, text); }

}  // namespace

RuncBundle::RuncBundle() : id_(uniqueId()) {
  const std::string root = rootfs();
  fs::create_directories(root + "/bin");
  fs::copy_file(kBusybox, root + "/bin/busybox");
  for (const char* applet : kApplets) fs::create_symlink("busybox", root + "/bin/" + applet);
  for (const char* d : {"/etc", "/proc", "/sys", "/dev", "/tmp"}) fs::create_directories(root + d);
  writeFile(root + "/etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n");
  writeFile(root + "/etc/group", "root:x:0:\napp:x:1000:\nextra:x:2000:app\n");
  fs::create_directories(dir_.path() + "/state");

  cfg = config::defaults();
  pod.podId = "pod-" + id_;
  pod.hostname = "crix-test-pod";
  pod.cgroupParent = kCgroupParent;
  pod.config.mutable_metadata()->set_name("crix-test-pod");
  pod.config.mutable_metadata()->set_namespace_("default");
  ctr.containerId = id_;
  ctr.rootfsPath = root;
  ctr.config.mutable_metadata()->set_name("test");
  ctr.config.mutable_image()->set_image("busybox");
  ctr.image.config.cmd = {"/bin/true"};
}

RuncBundle::~RuncBundle() {
  remove();
  // runc delete removes the cgroups; a runc that died early may not have.
  for (const char* controller :
       {"cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "systemd",
        "unified", "hugetlb", "net_cls", "perf_event", ""}) {
    std::error_code ec;
    const std::string dir = cgroupDir(controller);
    if (dir.empty()) continue;
    fs::remove(dir, ec);                          // rmdir: only an empty, dead cgroup goes
    fs::remove(fs::path(dir).parent_path(), ec);  // kCgroupParent, once no test uses it
  }
}

nlohmann::json RuncBundle::spec() const { return buildRuntimeSpec(cfg, pod, ctr); }

std::vector<std::string> RuncBundle::runc(std::vector<std::string> args) const {
  std::vector<std::string> argv = {kRunc, "--root", dir_.path() + "/state"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

void RuncBundle::writeSpec(const nlohmann::json& spec) {
  test::writeFile(dir_.path() + "/config.json", spec.dump(2));
  cgroupsPath_ = spec["linux"]["cgroupsPath"];
}

test::ProcessResult RuncBundle::run(const nlohmann::json& spec, std::chrono::seconds timeout) {
  writeSpec(spec);
  auto result = test::runProcess(runc({"run", "--bundle", dir_.path(), id_}), timeout);
  remove();
  return result;
}

void RuncBundle::create(const nlohmann::json& spec) {
  writeSpec(spec);
  // The container's stdio must not be runProcess's pipes: runc init keeps
  // them open until the container ends, long after runc create returns.
  std::string cmd;
  for (const auto& a : runc({"create", "--bundle", dir_.path(), id_})) cmd += "'" + a + "' ";
  cmd += "</dev/null >/dev/null 2>" + dir_.path() + "/create.err";
  const auto r = test::runProcess({"/bin/sh", "-c", cmd}, std::chrono::seconds(60));
  if (r.exitCode != 0) {
    throw std::runtime_error("runc create failed: " + test::readFile(dir_.path() + "/create.err"));
  }
}

void RuncBundle::remove() {
  test::runProcess(runc({"delete", "--force", id_}), std::chrono::seconds(30));
}

std::string RuncBundle::cgroupDir(const std::string& controller) const {
  if (cgroupsPath_.empty()) return "";
  struct stat st {};
  const bool v2 = ::stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0;
  if (v2) return controller.empty() ? "/sys/fs/cgroup" + cgroupsPath_ : "";
  return controller.empty() ? "" : "/sys/fs/cgroup/" + controller + cgroupsPath_;
}

std::uint64_t capEff(const std::string& statusText) {
  const auto at = statusText.find("CapEff:");
  if (at == std::string::npos) throw std::runtime_error("no CapEff in: " + statusText);
  return std::stoull(statusText.substr(at + 7), nullptr, 16);
}

}  // namespace crix::oci::testing

// The daemon's state outlives the daemon: after kill -9 (or a clean stop)
// and a restart on the same root/runroot, every pod and container is back
// with its true state and the running ones were never restarted. And many
// create/start/stop/remove cycles leave nothing behind on the host.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;
using std::chrono::steady_clock;

namespace {

// Polls runc (not the daemon, which may be down) until the container stopped.
bool waitRuncStopped(RuntimeEnv& env, const std::string& id, std::chrono::seconds timeout) {
  const auto deadline = steady_clock::now() + timeout;
  while (steady_clock::now() < deadline) {
    if (env.runcStatus(id) == "stopped") return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

v1::PodSandbox podById(RuntimeEnv& env, const std::string& id) {
  v1::PodSandboxFilter f;
  f.set_id(id);
  const auto pods = env.listPods(&f);
  REQUIRE_MESSAGE(pods.size() == 1, "pod " << id << " not listed");
  return pods[0];
}

// Everything under `root` whose path mentions one of `ids`.
std::vector<std::string> pathsMentioning(const std::string& root, const std::vector<std::string>& ids) {
  std::vector<std::string> found;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    const auto name = it->path().filename().string();
    for (const auto& id : ids)
      if (name.find(id) != std::string::npos) {
        found.push_back(it->path());
        break;
      }
  }
  return found;
}

std::vector<std::string> processesMentioning(const std::vector<std::string>& ids) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (const auto& id : ids)
      if (cmdline.find(id) != std::string::npos) {
        found.push_back(pid + ": " + cmdline);
        break;
      }
  }
  return found;
}

std::vector<std::string> mountsMentioning(const std::vector<std::string>& ids) {
  std::vector<std::string> found;
  for (const auto& line : lines(readFile("/proc/self/mountinfo")))
    for (const auto& id : ids)
      if (line.find(id) != std::string::npos) {
        found.push_back(line);
        break;
      }
  return found;
}

// For failure messages, which doctest also builds when an assertion passes
// (with -s): never touch front() of an empty list.
std::string firstOf(const std::vector<std::string>& items) { return items.empty() ? "" : items.front(); }

size_t countFds(pid_t pid) {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) ++n;
  return n;
}

std::vector<std::string> cgroupRoots(const std::string& parent) {
  if (RuntimeEnv::cgroupV2()) return {"/sys/fs/cgroup" + parent};
  return {"/sys/fs/cgroup/memory" + parent, "/sys/fs/cgroup/cpu" + parent, "/sys/fs/cgroup/pids" + parent,
          "/sys/fs/cgroup/systemd" + parent, "/sys/fs/cgroup/unified" + parent};
}

}  // namespace

TEST_SUITE("runtime-recovery") {

TEST_CASE("after kill -9 and a restart, pods and containers are back with their true state") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podCfg = env.podConfig("survivor");
  const auto pod = env.runPod(podCfg);
  const auto stoppedCfg = env.podConfig("stopped");
  const auto stoppedPod = env.runPod(stoppedCfg);
  REQUIRE(env.stopPod(stoppedPod).ok());

  auto runningCfg = RuntimeEnv::containerConfig("running", {"sleep", "1000"});
  (*runningCfg.mutable_labels())["keep"] = "me";
  const auto running = env.runContainer(pod, runningCfg, podCfg);
  const auto exited = env.runContainer(pod, RuntimeEnv::containerConfig("exited", {"sh", "-c", "exit 7"}), podCfg);
  REQUIRE(env.waitExited(exited).state() == v1::CONTAINER_EXITED);
  const auto created = env.createContainer(pod, RuntimeEnv::containerConfig("created", {"true"}), podCfg);
  const auto killed = env.runContainer(pod, RuntimeEnv::containerConfig("killed", {"sleep", "1000"}), podCfg);

  const auto runningBefore = env.containerStatus(running);
  const auto exitedBefore = env.containerStatus(exited);
  const auto createdBefore = env.containerStatus(created);
  const pid_t runningPid = env.runcPid(running);
  const pid_t killedPid = env.runcPid(killed);
  REQUIRE(runningPid > 0);
  REQUIRE(killedPid > 0);

  // Exits by itself while the daemon is down.
  const auto late =
      env.runContainer(pod, RuntimeEnv::containerConfig("late", {"sh", "-c", "sleep 2; exit 42"}), podCfg);
  env.killDaemon();
  ::kill(killedPid, SIGKILL);
  REQUIRE(waitRuncStopped(env, late, std::chrono::seconds(15)));
  REQUIRE(waitRuncStopped(env, killed, std::chrono::seconds(15)));
  // The monitors keep running without the daemon: the survivor still runs.
  CHECK(env.runcStatus(running) == "running");

  env.startDaemon();

  CHECK(podById(env, pod).state() == v1::SANDBOX_READY);
  CHECK(podById(env, stoppedPod).state() == v1::SANDBOX_NOTREADY);
  CHECK(env.podStatus(pod).created_at() > 0);
  CHECK(env.listContainers().size() == 5);

  const auto r = env.containerStatus(running);
  CHECK(r.state() == v1::CONTAINER_RUNNING);
  CHECK(r.started_at() == runningBefore.started_at());
  CHECK(r.created_at() == runningBefore.created_at());
  CHECK(r.labels().at("keep") == "me");
  CHECK(r.log_path() == runningBefore.log_path());
  CHECK(env.runcPid(running) == runningPid);  // not restarted

  const auto e = env.containerStatus(exited);
  CHECK(e.state() == v1::CONTAINER_EXITED);
  CHECK(e.exit_code() == 7);
  CHECK(e.reason() == "Error");
  CHECK(e.finished_at() == exitedBefore.finished_at());

  const auto c = env.containerStatus(created);
  CHECK(c.state() == v1::CONTAINER_CREATED);
  CHECK(c.created_at() == createdBefore.created_at());

  const auto l = env.containerStatus(late);
  CHECK(l.state() == v1::CONTAINER_EXITED);
  CHECK(l.exit_code() == 42);
  CHECK(l.finished_at() > 0);

  const auto k = env.containerStatus(killed);
  CHECK(k.state() == v1::CONTAINER_EXITED);
  CHECK(k.exit_code() == 137);

  // The recovered daemon can drive everything it found.
  CHECK(env.execOut(running, {"echo", "still here"}) == "still here\n");
  std::string id;
  CHECK(env.tryCreateContainer(pod, runningCfg, podCfg, &id).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  std::string podId;
  CHECK(env.tryRunPod(podCfg, &podId).error_code() == grpc::StatusCode::ALREADY_EXISTS);
  REQUIRE(env.startContainer(created).ok());
  CHECK(env.waitExited(created).exit_code() == 0);
  const auto fresh = env.runContainer(pod, RuntimeEnv::containerConfig("fresh", {"sleep", "1000"}), podCfg);
  CHECK(env.containerStatus(fresh).state() == v1::CONTAINER_RUNNING);

  REQUIRE(env.stopContainer(running, 0).ok());
  CHECK(env.containerStatus(running).state() == v1::CONTAINER_EXITED);
  CHECK(env.runcStatus(running) != "running");
  for (const auto& ctr : {running, exited, created, killed, late, fresh}) {
    const auto removed = env.removeContainer(ctr);
    CHECK_MESSAGE(removed.ok(), ctr << ": " << removed.error_message());
  }
  CHECK(env.listContainers().empty());
  CHECK(env.removePod(pod).ok());
  CHECK(env.removePod(stoppedPod).ok());
  CHECK(env.listPods().empty());
}

TEST_CASE("a clean restart (SIGTERM) leaves running containers running") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podCfg = env.podConfig("calm");
  const auto pod = env.runPod(podCfg);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("steady", {"sleep", "1000"}), podCfg);
  const pid_t pid = env.runcPid(ctr);
  REQUIRE(pid > 0);

  env.daemon().signal(SIGTERM);
  REQUIRE(env.daemon().waitExit(std::chrono::seconds(20)) == std::optional<int>(0));
  CHECK(env.runcStatus(ctr) == "running");
  env.startDaemon();

  CHECK(podById(env, pod).state() == v1::SANDBOX_READY);
  CHECK(env.containerStatus(ctr).state() == v1::CONTAINER_RUNNING);
  CHECK(env.runcPid(ctr) == pid);
  REQUIRE(env.removePod(pod).ok());
  CHECK(env.runcStatus(ctr).empty());
}

TEST_CASE("after a reboot (containers gone, runroot empty) nothing comes back and names are free") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podCfg = env.podConfig("rebooted");
  const auto pod = env.runPod(podCfg);
  const auto ctrCfg = RuntimeEnv::containerConfig("gone", {"sleep", "1000"});
  const auto ctr = env.runContainer(pod, ctrCfg, podCfg);
  env.killDaemon();
  // What a reboot does: every process and mount gone, tmpfs (runroot and
  // runc's state) empty; root (the writable layers) stays.
  env.daemon().removeLeftovers();
  fs::remove_all(env.daemon().runrootDir());
  fs::remove_all(env.daemon().runcRoot());
  env.startDaemon();

  CHECK(env.listPods().empty());
  CHECK(env.listContainers().empty());
  // The writable layer of the lost container is cleaned up at start.
  const auto left = pathsMentioning(env.daemon().rootDir(), {ctr});
  CHECK_MESSAGE(left.empty(), left.size() << " paths left, e.g. " << firstOf(left));
  // kubelet recreates the pod under the same names.
  const auto again = env.runPod(podCfg);
  CHECK(again != pod);
  env.runContainer(again, ctrCfg, podCfg);
}

}  // TEST_SUITE

TEST_SUITE("runtime-cycles") {

// The issue asks for 200 cycles; CRIX_RUNTIME_CYCLES overrides the count.
TEST_CASE("create/start/stop/remove cycles leave no mount, process, cgroup or file behind") {
  if (!runtimeToolsPresent()) return;
  int cycles = 200;
  if (const char* n = std::getenv("CRIX_RUNTIME_CYCLES")) cycles = std::atoi(n);
  RuntimeEnv env;
  const auto podCfg = env.podConfig("cycles");
  const auto pod = env.runPod(podCfg);
  // Warm up once so that lazily opened daemon fds do not count as leaks.
  {
    const auto id = env.runContainer(pod, RuntimeEnv::containerConfig("warmup", {"true"}), podCfg);
    env.waitExited(id);
    REQUIRE(env.removeContainer(id).ok());
  }
  // Only this daemon's mounts count: other tests on the machine mount too.
  const std::vector<std::string> ours = {env.daemon().dir().path() + "/", env.dir().path() + "/"};
  const auto mountsBefore = mountsMentioning(ours).size();
  const auto fdsBefore = countFds(env.daemon().pid());

  std::vector<std::string> ids;
  int failures = 0;
  const auto start = steady_clock::now();
  for (int i = 0; i < cycles && failures < 3; ++i) {
    CAPTURE(i);
    const auto config = RuntimeEnv::containerConfig(
        "cycle", {"sh", "-c", "trap 'exit 0' TERM; while :; do sleep 0.1; done"});
    std::string id;
    auto s = env.tryCreateContainer(pod, config, podCfg, &id);
    if (!s.ok()) {
      ++failures;
      FAIL_CHECK("create: " << s.error_message());
      continue;
    }
    ids.push_back(id);
    s = env.startContainer(id);
    if (!s.ok()) { ++failures; FAIL_CHECK("start: " << s.error_message()); }
    s = env.stopContainer(id, 10);
    if (!s.ok()) { ++failures; FAIL_CHECK("stop: " << s.error_message()); }
    s = env.removeContainer(id);
    if (!s.ok()) { ++failures; FAIL_CHECK("remove: " << s.error_message()); }
  }
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(steady_clock::now() - start);
  MESSAGE(ids.size() << " cycles took " << took.count() << " ms");
  REQUIRE(failures == 0);

  CHECK(env.listContainers().empty());
  CHECK(mountsMentioning(ours).size() == mountsBefore);
  const auto mounts = mountsMentioning(ids);
  CHECK_MESSAGE(mounts.empty(), mounts.size() << " mounts left, e.g. " << firstOf(mounts));
  // crix-conmon, runc or the container itself still around.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const auto procs = processesMentioning(ids);
  CHECK_MESSAGE(procs.empty(), procs.size() << " processes left, e.g. " << firstOf(procs));
  const auto runcList = runProcess({"/usr/sbin/runc", "--root", env.daemon().runcRoot(), "list", "-q"});
  CHECK(runcList.out.empty());
  for (const auto& root : cgroupRoots(env.cgroupParent())) {
    const auto left = pathsMentioning(root, ids);
    CHECK_MESSAGE(left.empty(), left.size() << " cgroups left, e.g. " << firstOf(left));
  }
  for (const auto& root : {env.daemon().dir().path(), env.dir().path()}) {
    const auto left = pathsMentioning(root, ids);
    CHECK_MESSAGE(left.empty(), left.size() << " files left, e.g. " << firstOf(left));
  }
  // Each cycle's container log stays (kubelet removes logs), but nothing else may grow.
  const auto fdsAfter = countFds(env.daemon().pid());
  CHECK_MESSAGE(fdsAfter <= fdsBefore + 5, "daemon fds " << fdsBefore << " -> " << fdsAfter);
}

}  // TEST_SUITE

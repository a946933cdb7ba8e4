// Containers through the real daemon on real runc: lifecycle and status,
// lists, logs, exec, stop signals, OOM, security settings, volumes,
// resources in the cgroup and stats.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>
#include <sys/mount.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;
using std::chrono::steady_clock;

namespace {

int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::set<std::string> ids(const std::vector<v1::Container>& containers) {
  std::set<std::string> out;
  for (const auto& c : containers) out.insert(c.id());
  return out;
}

// A pod with its config, for tests that need just one.
struct OnePod {
  v1::PodSandboxConfig config;
  std::string id;
  OnePod(RuntimeEnv& env, const std::string& name) : config(env.podConfig(name)), id(env.runPod(config)) {}
};

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// The "CapEff:" hex of a /proc/<pid>/status text.
std::string capEff(const std::string& procStatus) {
  for (const auto& line : lines(procStatus))
    if (line.starts_with("CapEff:")) return trimmed(line.substr(line.find_first_not_of(" \t", 7)));
  return "";
}

std::string cgroupFile(pid_t pid, const std::string& controller, const std::string& file) {
  const auto dir = RuntimeEnv::cgroupDirOf(pid, controller);
  REQUIRE_MESSAGE(!dir.empty(), "no " << controller << " cgroup for pid " << pid);
  return trimmed(readFile(dir + "/" + file));
}

// A host mount for one test, detached at the end whatever happens.
struct MountGuard {
  std::string target;
  MountGuard(const std::string& source, const std::string& where, const char* type, unsigned long flags)
      : target(where) {
    REQUIRE_MESSAGE(::mount(source.c_str(), where.c_str(), type, flags, nullptr) == 0,
                    "mount " << where << ": " << std::strerror(errno));
  }
  ~MountGuard() { ::umount2(target.c_str(), MNT_DETACH); }
  MountGuard(const MountGuard&) = delete;
  MountGuard& operator=(const MountGuard&) = delete;
};

v1::Mount volume(const std::string& host, const std::string& inContainer, bool readonly,
                 v1::MountPropagation propagation = v1::PROPAGATION_PRIVATE) {
  v1::Mount m;
  m.set_host_path(host);
  m.set_container_path(inContainer);
  m.set_readonly(readonly);
  m.set_propagation(propagation);
  return m;
}

}  // namespace

TEST_SUITE("runtime-container") {

TEST_CASE("a container is created, started and exits, and its status says so") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "lifecycle");
  auto config = RuntimeEnv::containerConfig("worker", {"sh", "-c", "sleep 2; exit 0"});
  (*config.mutable_labels())["role"] = "worker";
  (*config.mutable_annotations())["example.test/a"] = "b";

  const auto beforeCreate = nowNanos();
  const auto id = env.createContainer(pod.id, config, pod.config);
  auto status = env.containerStatus(id);
  CHECK(status.id() == id);
  CHECK(status.state() == v1::CONTAINER_CREATED);
  CHECK(status.created_at() >= beforeCreate - 1'000'000'000);
  CHECK(status.started_at() == 0);
  CHECK(status.finished_at() == 0);
  CHECK(status.metadata().name() == "worker");
  CHECK(status.labels().at("role") == "worker");
  CHECK(status.annotations().at("example.test/a") == "b");
  CHECK(status.image().image() == kBusybox);
  CHECK(status.log_path() == pod.config.log_directory() + "/worker.log");

  // image_ref names the image: its ID or one of its repo digests.
  v1::ImageStatusRequest ireq;
  ireq.mutable_image()->set_image(kBusybox);
  v1::ImageStatusResponse iresp;
  REQUIRE(env.images().ImageStatus(deadlineContext().get(), ireq, &iresp).ok());
  REQUIRE(iresp.has_image());
  std::set<std::string> refs{iresp.image().id()};
  refs.insert(iresp.image().repo_digests().begin(), iresp.image().repo_digests().end());
  CHECK_MESSAGE(refs.count(status.image_ref()) == 1, "image_ref " << status.image_ref());
  if (!status.image_id().empty()) CHECK(status.image_id() == iresp.image().id());

  const auto beforeStart = nowNanos();
  REQUIRE(env.startContainer(id).ok());
  status = env.containerStatus(id);
  CHECK(status.state() == v1::CONTAINER_RUNNING);
  CHECK(status.started_at() >= beforeStart - 1'000'000'000);
  CHECK(status.started_at() >= status.created_at());
  CHECK(status.finished_at() == 0);
  CHECK(env.runcPid(id) > 0);
  // Verbose status carries CRI-O's info JSON; crictl inspect reads its pid.
  v1::ContainerStatusResponse verbose;
  REQUIRE(env.tryContainerStatus(id, &verbose, true).ok());
  REQUIRE(verbose.info().count("info") == 1);
  const auto info = nlohmann::json::parse(verbose.info().at("info"), nullptr, false);
  REQUIRE_FALSE(info.is_discarded());
  CHECK(info.value("pid", 0) == env.runcPid(id));

  // Starting twice is refused.
  CHECK_FALSE(env.startContainer(id).ok());

  status = env.waitExited(id);
  REQUIRE(status.state() == v1::CONTAINER_EXITED);
  CHECK(status.exit_code() == 0);
  CHECK(status.reason() == "Completed");
  CHECK(status.finished_at() >= status.started_at() + 1'900'000'000);  // it slept 2 s
  CHECK(status.finished_at() <= nowNanos());

  // List entries agree with the status.
  const auto listed = env.listContainers();
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].id() == id);
  CHECK(listed[0].pod_sandbox_id() == pod.id);
  CHECK(listed[0].state() == v1::CONTAINER_EXITED);
  CHECK(listed[0].created_at() == status.created_at());
  CHECK(listed[0].metadata().name() == "worker");
  CHECK(listed[0].image_ref() == status.image_ref());
  CHECK(listed[0].labels().at("role") == "worker");

  REQUIRE(env.removeContainer(id).ok());
  v1::ContainerStatusResponse gone;
  CHECK(env.tryContainerStatus(id, &gone).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(env.runcStatus(id).empty());
  // Removing again is fine (the CRI: idempotent).
  CHECK(env.removeContainer(id).ok());
}

TEST_CASE("exit codes and reasons: Completed for 0, Error otherwise") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "exit-codes");
  for (const int code : {0, 1, 3, 42, 255}) {
    CAPTURE(code);
    const auto id = env.runContainer(
        pod.id, RuntimeEnv::containerConfig("exit-" + std::to_string(code), {"sh", "-c", "exit " + std::to_string(code)}),
        pod.config);
    const auto status = env.waitExited(id);
    REQUIRE(status.state() == v1::CONTAINER_EXITED);
    CHECK(status.exit_code() == code);
    CHECK(status.reason() == (code == 0 ? "Completed" : "Error"));
  }
  // A command that does not exist fails at start, not later.
  std::string id;
  auto missing = RuntimeEnv::containerConfig("missing", {"/no/such/binary"});
  const auto created = env.tryCreateContainer(pod.id, missing, pod.config, &id);
  if (created.ok()) {
    const auto started = env.startContainer(id);
    CHECK_FALSE(started.ok());
    CHECK_MESSAGE(started.error_message().find("/no/such/binary") != std::string::npos, started.error_message());
  } else {
    CHECK_MESSAGE(created.error_message().find("/no/such/binary") != std::string::npos, created.error_message());
  }
}

TEST_CASE("an exit is recorded as it happens, with nobody asking for a status") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "exit-watch");
  const auto id =
      env.runContainer(pod.id, RuntimeEnv::containerConfig("ends", {"sh", "-c", "sleep 1; exit 3"}), pod.config);
  // Only the record on disk is read: no RPC that could notice the exit itself.
  const std::string record = env.daemon().runrootDir() + "/containers/" + id + "/container.json";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  nlohmann::json seen;
  while (std::chrono::steady_clock::now() < deadline) {
    try {
      seen = nlohmann::json::parse(crix::test::readFile(record));
      if (seen.value("state", "") == "exited") break;
    } catch (const std::exception&) {
      // Being replaced at this moment: read again.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  CHECK_MESSAGE(seen.value("state", "") == "exited", seen.dump());
  CHECK(seen.value("exit_code", 0) == 3);
  const auto status = env.containerStatus(id);
  CHECK(status.state() == v1::CONTAINER_EXITED);
  CHECK(status.exit_code() == 3);
  CHECK(status.reason() == "Error");
}

TEST_CASE("containers are listed by id, state, pod and labels") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod p1(env, "list-one");
  OnePod p2(env, "list-two");
  auto runningCfg = RuntimeEnv::containerConfig("running", {"sleep", "1000"});
  (*runningCfg.mutable_labels())["kind"] = "long";
  (*runningCfg.mutable_labels())["team"] = "a";
  auto exitedCfg = RuntimeEnv::containerConfig("exited", {"true"});
  (*exitedCfg.mutable_labels())["kind"] = "short";
  auto createdCfg = RuntimeEnv::containerConfig("created", {"sleep", "1000"});
  (*createdCfg.mutable_labels())["kind"] = "long";
  const auto running = env.runContainer(p1.id, runningCfg, p1.config);
  const auto exited = env.runContainer(p1.id, exitedCfg, p1.config);
  REQUIRE(env.waitExited(exited).state() == v1::CONTAINER_EXITED);
  const auto created = env.createContainer(p2.id, createdCfg, p2.config);

  CHECK(ids(env.listContainers()) == std::set<std::string>{running, exited, created});

  v1::ContainerFilter f;
  f.set_id(exited);
  CHECK(ids(env.listContainers(&f)) == std::set<std::string>{exited});
  f.set_id(exited.substr(0, 12));  // a unique prefix, as crictl passes
  CHECK(ids(env.listContainers(&f)) == std::set<std::string>{exited});

  for (const auto& [state, expected] : std::vector<std::pair<v1::ContainerState, std::string>>{
           {v1::CONTAINER_RUNNING, running}, {v1::CONTAINER_EXITED, exited}, {v1::CONTAINER_CREATED, created}}) {
    v1::ContainerFilter byState;
    byState.mutable_state()->set_state(state);
    CHECK(ids(env.listContainers(&byState)) == std::set<std::string>{expected});
  }

  v1::ContainerFilter byPod;
  byPod.set_pod_sandbox_id(p1.id);
  CHECK(ids(env.listContainers(&byPod)) == std::set<std::string>{running, exited});
  byPod.set_pod_sandbox_id(p2.id);
  CHECK(ids(env.listContainers(&byPod)) == std::set<std::string>{created});

  v1::ContainerFilter byLabel;
  (*byLabel.mutable_label_selector())["kind"] = "long";
  CHECK(ids(env.listContainers(&byLabel)) == std::set<std::string>{running, created});
  (*byLabel.mutable_label_selector())["team"] = "a";
  CHECK(ids(env.listContainers(&byLabel)) == std::set<std::string>{running});

  v1::ContainerFilter combined;
  combined.set_pod_sandbox_id(p1.id);
  combined.mutable_state()->set_state(v1::CONTAINER_CREATED);
  CHECK(env.listContainers(&combined).empty());
}

TEST_CASE("names, pods and images that do not fit are refused with the right code") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "refusals");
  const auto config = RuntimeEnv::containerConfig("same", {"sleep", "1000"});
  const auto first = env.createContainer(pod.id, config, pod.config);

  std::string id;
  auto dup = env.tryCreateContainer(pod.id, config, pod.config, &id);
  CHECK(dup.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK_MESSAGE(dup.error_message().find(first) != std::string::npos, dup.error_message());

  auto unknownPod = env.tryCreateContainer(std::string(64, 'b'), RuntimeEnv::containerConfig("x", {"true"}),
                                           pod.config, &id);
  CHECK(unknownPod.error_code() == grpc::StatusCode::NOT_FOUND);

  auto noImage = RuntimeEnv::containerConfig("no-image", {"true"});
  noImage.mutable_image()->set_image("example.test/crix/absent:1");
  auto missing = env.tryCreateContainer(pod.id, noImage, pod.config, &id);
  CHECK(missing.error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK_MESSAGE(missing.error_message().find("example.test/crix/absent:1") != std::string::npos,
                missing.error_message());

  v1::ContainerStatusResponse resp;
  CHECK(env.tryContainerStatus(std::string(64, 'c'), &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(env.listContainers().size() == 1);

  // A stopped pod takes no new containers.
  REQUIRE(env.stopPod(pod.id).ok());
  const auto afterStop = env.tryCreateContainer(pod.id, RuntimeEnv::containerConfig("late", {"true"}), pod.config, &id);
  CHECK_FALSE(afterStop.ok());
}

TEST_CASE("stopping a container: its stop signal, then SIGKILL after the timeout") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "stopping");

  SUBCASE("a container that ignores SIGTERM is killed when the timeout runs out") {
    const auto id = env.runContainer(
        pod.id, RuntimeEnv::containerConfig("stubborn", {"sh", "-c", "trap '' TERM; sleep 1000"}),
        pod.config);
    const auto start = steady_clock::now();
    const auto stopped = env.stopContainer(id, 2);
    const auto took = steady_clock::now() - start;
    REQUIRE_MESSAGE(stopped.ok(), stopped.error_message());
    CHECK(took >= std::chrono::milliseconds(1900));
    CHECK(took < std::chrono::seconds(10));
    const auto status = env.containerStatus(id);
    CHECK(status.state() == v1::CONTAINER_EXITED);
    CHECK(status.exit_code() == 137);
    CHECK(status.reason() == "Error");
    // Stopping a stopped container is fine.
    CHECK(env.stopContainer(id, 2).ok());
  }

  SUBCASE("a container that handles SIGTERM stops before the timeout") {
    const auto id = env.runContainer(
        pod.id,
        RuntimeEnv::containerConfig("polite", {"sh", "-c", "trap 'echo bye; exit 0' TERM; while :; do sleep 0.1; done"}),
        pod.config);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // let the trap be set
    const auto start = steady_clock::now();
    REQUIRE(env.stopContainer(id, 30).ok());
    CHECK(steady_clock::now() - start < std::chrono::seconds(10));
    const auto status = env.containerStatus(id);
    CHECK(status.exit_code() == 0);
    CHECK(status.reason() == "Completed");
    CHECK(RuntimeEnv::logText(status.log_path()).find("bye") != std::string::npos);
  }

  SUBCASE("the image's STOPSIGNAL is what stop sends first") {
    auto config = RuntimeEnv::containerConfig(
        "usr1", {"sh", "-c", "trap 'echo got-usr1; exit 3' USR1; trap '' TERM; while :; do sleep 0.1; done"});
    config.mutable_image()->set_image(kBusyboxUsr1);
    const auto id = env.runContainer(pod.id, config, pod.config);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    CHECK(v1::Signal_Name(env.containerStatus(id).stop_signal()) == "SIGUSR1");
    const auto start = steady_clock::now();
    REQUIRE(env.stopContainer(id, 30).ok());
    CHECK(steady_clock::now() - start < std::chrono::seconds(10));
    const auto status = env.containerStatus(id);
    CHECK(status.exit_code() == 3);
    CHECK(RuntimeEnv::logText(status.log_path()).find("got-usr1") != std::string::npos);
  }

  SUBCASE("a running container can be removed; it is killed") {
    const auto id = env.runContainer(pod.id, RuntimeEnv::containerConfig("doomed", {"sleep", "1000"}), pod.config);
    const pid_t pid = env.runcPid(id);
    REQUIRE(pid > 0);
    const auto removed = env.removeContainer(id);
    REQUIRE_MESSAGE(removed.ok(), removed.error_message());
    v1::ContainerStatusResponse resp;
    CHECK(env.tryContainerStatus(id, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(env.runcStatus(id).empty());
    const std::string cmdline = "/proc/" + std::to_string(pid) + "/cmdline";
    const bool alive = fs::exists(cmdline) && readFile(cmdline).starts_with("sleep");
    CHECK_FALSE(alive);
  }
}

TEST_CASE("the log is in CRI format, with partial lines tagged P") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "logs");
  const auto id = env.runContainer(
      pod.id,
      RuntimeEnv::containerConfig("talker", {"sh", "-c", "echo out; echo err >&2; printf abc; sleep 1; echo def; printf tail"}),
      pod.config);
  const auto status = env.waitExited(id);
  REQUIRE(status.state() == v1::CONTAINER_EXITED);
  const auto path = pod.config.log_directory() + "/talker.log";
  REQUIRE(fs::exists(path));
  const auto entries = parseCriLog(readFile(path));
  const std::regex stamp(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z)");
  for (const auto& e : entries) {
    CHECK_MESSAGE(std::regex_match(e.time, stamp), e.time);
    CHECK((e.stream == "stdout" || e.stream == "stderr"));
    CHECK((e.tag == "P" || e.tag == "F"));
  }
  std::vector<std::string> stdoutSeq, stderrSeq;
  for (const auto& e : entries) (e.stream == "stdout" ? stdoutSeq : stderrSeq).push_back(e.tag + " " + e.text);
  CHECK(stdoutSeq == std::vector<std::string>{"F out", "P abc", "F def", "P tail"});
  CHECK(stderrSeq == std::vector<std::string>{"F err"});
}

TEST_CASE("ReopenContainerLog starts a new file after the old one was renamed") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "reopen");
  const auto id = env.runContainer(
      pod.id, RuntimeEnv::containerConfig("ticker", {"sh", "-c", "i=0; while :; do echo tick$i; i=$((i+1)); sleep 0.1; done"}),
      pod.config);
  const auto path = env.containerStatus(id).log_path();
  REQUIRE(RuntimeEnv::waitForFile(path, "tick1"));
  fs::rename(path, path + ".1");

  v1::ReopenContainerLogRequest req;
  req.set_container_id(id);
  v1::ReopenContainerLogResponse resp;
  const auto status = env.rt().ReopenContainerLog(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(RuntimeEnv::waitForFile(path, "tick"));
  // The new file starts fresh: it does not repeat the first lines.
  CHECK(readFile(path).find(" tick0\n") == std::string::npos);
  CHECK(readFile(path + ".1").find(" tick0\n") != std::string::npos);

  // Reopening the log of a container that is not running is refused.
  REQUIRE(env.stopContainer(id, 0).ok());
  CHECK_FALSE(env.rt().ReopenContainerLog(deadlineContext().get(), req, &resp).ok());
}

TEST_CASE("ReopenContainerLog returns only once the new file exists: 50 times in a row") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "reopen-50");
  const auto id = env.runContainer(pod.id, RuntimeEnv::containerConfig("quiet", {"sleep", "1000"}), pod.config);
  const auto path = env.containerStatus(id).log_path();
  v1::ReopenContainerLogRequest req;
  req.set_container_id(id);
  int present = 0;
  for (int i = 0; i < 50; ++i) {
    fs::rename(path, path + "." + std::to_string(i));
    v1::ReopenContainerLogResponse resp;
    const auto status = env.rt().ReopenContainerLog(deadlineContext().get(), req, &resp);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    if (fs::exists(path)) ++present;
  }
  CHECK(present == 50);
}

TEST_CASE("ExecSync returns stdout, stderr and the exit code, and honours its timeout") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "exec");
  const auto id = env.runContainer(pod.id, RuntimeEnv::containerConfig("target", {"sleep", "1000"}), pod.config);

  v1::ExecSyncResponse resp;
  auto status = env.execSync(id, {"sh", "-c", "echo to-out; echo to-err >&2; exit 7"}, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  CHECK(resp.stdout() == "to-out\n");
  CHECK(resp.stderr() == "to-err\n");
  CHECK(resp.exit_code() == 7);

  // The exec runs in the container: its hostname, its root.
  CHECK(env.execOut(id, {"cat", "/etc/group"}).find("app:x:1000:") != std::string::npos);

  // A command that outlives its timeout does not succeed and returns promptly.
  const auto start = steady_clock::now();
  v1::ExecSyncResponse slow;
  status = env.execSync(id, {"sleep", "30"}, &slow, 1);
  const auto took = steady_clock::now() - start;
  CHECK(took < std::chrono::seconds(8));
  CHECK_MESSAGE((!status.ok() || slow.exit_code() != 0), "a timed-out exec reported success");
  // ...and leaves no sleep behind in the container.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(env.execOut(id, {"ps", "-o", "args"}).find("sleep 30") == std::string::npos);

  // Unknown program: an error status or a non-zero exit, never success.
  v1::ExecSyncResponse bad;
  status = env.execSync(id, {"/no/such/program"}, &bad);
  CHECK((!status.ok() || bad.exit_code() != 0));

  // Exec into a container that is not running is refused.
  REQUIRE(env.stopContainer(id, 0).ok());
  v1::ExecSyncResponse late;
  CHECK_FALSE(env.execSync(id, {"true"}, &late).ok());
}

TEST_CASE("a container that runs out of memory is reported OOMKilled") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "oom");
  auto config = RuntimeEnv::containerConfig("hog", {"sh", "-c", "head -c 500m /dev/zero | tail"});
  config.mutable_linux()->mutable_resources()->set_memory_limit_in_bytes(16 << 20);
  const auto id = env.runContainer(pod.id, config, pod.config);
  const auto status = env.waitExited(id, std::chrono::seconds(30));
  REQUIRE(status.state() == v1::CONTAINER_EXITED);
  CHECK(status.exit_code() != 0);
  CHECK(status.reason() == "OOMKilled");
}

TEST_CASE("a read-only root filesystem refuses writes; volumes still work") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "readonly");
  fs::create_directories(env.dir() / "rw");
  auto config = RuntimeEnv::containerConfig("ro", {"sleep", "1000"});
  config.mutable_linux()->mutable_security_context()->set_readonly_rootfs(true);
  *config.add_mounts() = volume(env.dir() / "rw", "/rw", false);
  const auto id = env.runContainer(pod.id, config, pod.config);
  v1::ExecSyncResponse resp;
  REQUIRE(env.execSync(id, {"touch", "/newfile"}, &resp).ok());
  CHECK(resp.exit_code() != 0);
  CHECK_MESSAGE(resp.stderr().find("Read-only file system") != std::string::npos, resp.stderr());
  REQUIRE(env.execSync(id, {"touch", "/rw/ok"}, &resp).ok());
  CHECK(resp.exit_code() == 0);
  CHECK(fs::exists(env.dir() / "rw/ok"));
}

TEST_CASE("capabilities: the default set, additions, drops and ALL") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "caps");
  const auto capsOf = [&](const std::string& name, const std::vector<std::string>& add,
                          const std::vector<std::string>& drop) {
    auto config = RuntimeEnv::containerConfig(name, {"cat", "/proc/self/status"});
    auto* caps = config.mutable_linux()->mutable_security_context()->mutable_capabilities();
    for (const auto& c : add) caps->add_add_capabilities(c);
    for (const auto& c : drop) caps->add_drop_capabilities(c);
    const auto id = env.runContainer(pod.id, config, pod.config);
    const auto status = env.waitExited(id);
    REQUIRE(status.exit_code() == 0);
    return capEff(RuntimeEnv::logText(status.log_path()));
  };
  // CHOWN DAC_OVERRIDE FOWNER FSETID KILL SETGID SETUID SETPCAP NET_BIND_SERVICE
  CHECK(capsOf("default", {}, {}) == "00000000000005fb");
  CHECK(capsOf("add-net-admin", {"NET_ADMIN"}, {}) == "00000000000015fb");
  CHECK(capsOf("drop-kill", {}, {"KILL"}) == "00000000000005db");
  CHECK(capsOf("prefixed", {"CAP_NET_ADMIN"}, {"CAP_KILL"}) == "00000000000015db");
  CHECK(capsOf("drop-all", {}, {"ALL"}) == "0000000000000000");
  CHECK(capsOf("drop-all-add-one", {"NET_BIND_SERVICE"}, {"ALL"}) == "0000000000000400");
  // ALL is everything this host lets root hold (here without SYS_RESOURCE).
  CHECK(capsOf("add-all", {"ALL"}, {}) == capEff(readFile("/proc/self/status")));
}

TEST_CASE("seccomp RuntimeDefault denies a syscall that Unconfined allows") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "seccomp");
  // sethostname in a fresh user+UTS namespace with root mapped: the kernel
  // allows it (the new user namespace owns the new UTS namespace; mapping
  // root needs CAP_SETFCAP, added here), while CRI-O's default profile lets
  // sethostname through only for containers with CAP_SYS_ADMIN. (That
  // profile allows unshare, setns and mount outright, so those prove nothing.)
  const std::vector<std::string> probe = {"sh", "-c", "unshare -U -r -u hostname probe && echo allowed"};
  const auto run = [&](const std::string& name, v1::SecurityProfile::ProfileType type) {
    auto config = RuntimeEnv::containerConfig(name, probe);
    auto* sc = config.mutable_linux()->mutable_security_context();
    sc->mutable_seccomp()->set_profile_type(type);
    sc->mutable_capabilities()->add_add_capabilities("SETFCAP");
    const auto id = env.runContainer(pod.id, config, pod.config);
    return env.waitExited(id);
  };
  const auto confined = run("confined", v1::SecurityProfile::RuntimeDefault);
  CHECK(confined.exit_code() != 0);
  CHECK(RuntimeEnv::logText(confined.log_path()).find("allowed") == std::string::npos);
  const auto unconfined = run("unconfined", v1::SecurityProfile::Unconfined);
  CHECK(unconfined.exit_code() == 0);
  CHECK_MESSAGE(RuntimeEnv::logText(unconfined.log_path()).find("allowed") != std::string::npos,
                RuntimeEnv::logText(unconfined.log_path()));
}

TEST_CASE("a container that names no seccomp profile is unconfined unless crio.conf asks for the default") {
  if (!runtimeToolsPresent()) return;
  const auto seccompMode = [](RuntimeEnv& env, const std::string& podName) {
    OnePod pod(env, podName);
    const auto status =
        env.waitExited(env.runContainer(pod.id, RuntimeEnv::containerConfig("probe", {"sh", "-c", "grep ^Seccomp: /proc/self/status"}), pod.config));
    return trimmed(RuntimeEnv::logText(status.log_path()));
  };
  {
    RuntimeEnv env;
    CHECK(seccompMode(env, "seccomp-unset") == "Seccomp:\t0");
  }
  {
    RuntimeEnv env("[crio.runtime]\nseccomp_use_default_when_empty = true\n");
    CHECK(seccompMode(env, "seccomp-default") == "Seccomp:\t2");
  }
}

TEST_CASE("run_as_user and run_as_group set the process's ids") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "users");
  auto config = RuntimeEnv::containerConfig("app", {"id"});
  auto* sc = config.mutable_linux()->mutable_security_context();
  sc->mutable_run_as_user()->set_value(1000);
  sc->mutable_run_as_group()->set_value(65534);
  sc->add_supplemental_groups(1000);
  const auto status = env.waitExited(env.runContainer(pod.id, config, pod.config));
  REQUIRE(status.exit_code() == 0);
  const auto out = RuntimeEnv::logText(status.log_path());
  CHECK_MESSAGE(out.find("uid=1000(app) gid=65534(nogroup)") != std::string::npos, out);
  const auto groups = out.find("groups=");
  REQUIRE_MESSAGE(groups != std::string::npos, out);
  CHECK_MESSAGE(out.find("1000(app)", groups) != std::string::npos, out);

  auto byName = RuntimeEnv::containerConfig("by-name", {"id", "-u"});
  byName.mutable_linux()->mutable_security_context()->set_run_as_username("app");
  const auto named = env.waitExited(env.runContainer(pod.id, byName, pod.config));
  CHECK(RuntimeEnv::logText(named.log_path()) == "1000\n");
}

TEST_CASE("volumes: bind mounts, read-only, and mount propagation") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "volumes");
  const std::string host = env.dir() / "vol";
  fs::create_directories(host + "/sub");
  writeFile(host + "/before.txt", "from host");
  // Make the volume its own shared mount, so that propagation has something
  // to propagate from whatever this machine's /tmp is.
  MountGuard self(host, host, nullptr, MS_BIND);
  REQUIRE(::mount(nullptr, host.c_str(), nullptr, MS_SHARED, nullptr) == 0);

  auto config = RuntimeEnv::containerConfig("vols", {"sleep", "1000"});
  *config.add_mounts() = volume(host, "/private", false, v1::PROPAGATION_PRIVATE);
  *config.add_mounts() = volume(host, "/slave", false, v1::PROPAGATION_HOST_TO_CONTAINER);
  *config.add_mounts() = volume(host, "/shared", false, v1::PROPAGATION_BIDIRECTIONAL);
  *config.add_mounts() = volume(host, "/ro", true);
  const auto id = env.runContainer(pod.id, config, pod.config);

  const auto status = env.containerStatus(id);
  std::map<std::string, v1::Mount> mounts;
  for (const auto& m : status.mounts()) mounts[m.container_path()] = m;
  REQUIRE(mounts.count("/private") == 1);
  CHECK(mounts["/private"].host_path() == host);
  CHECK_FALSE(mounts["/private"].readonly());
  CHECK(mounts["/slave"].propagation() == v1::PROPAGATION_HOST_TO_CONTAINER);
  CHECK(mounts["/shared"].propagation() == v1::PROPAGATION_BIDIRECTIONAL);
  CHECK(mounts["/ro"].readonly());

  CHECK(env.execOut(id, {"cat", "/private/before.txt"}) == "from host");
  env.execOut(id, {"sh", "-c", "echo from-container > /private/written.txt"});
  CHECK(readFile(host + "/written.txt") == "from-container\n");
  v1::ExecSyncResponse resp;
  REQUIRE(env.execSync(id, {"touch", "/ro/nope"}, &resp).ok());
  CHECK(resp.exit_code() != 0);
  CHECK_FALSE(fs::exists(host + "/nope"));

  // A mount made on the host after the container started.
  MountGuard late("tmpfs", host + "/sub", "tmpfs", 0);
  writeFile(host + "/sub/marker", "late");
  const auto seen = [&](const std::string& where) {
    v1::ExecSyncResponse r;
    REQUIRE(env.execSync(id, {"cat", where + "/sub/marker"}, &r).ok());
    return r.exit_code() == 0 && r.stdout() == "late";
  };
  CHECK_FALSE(seen("/private"));
  CHECK(seen("/slave"));
  CHECK(seen("/shared"));
}

TEST_CASE("resource limits land in the container's cgroup and can be updated") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env("[crio.runtime]\npids_limit = 123\n");
  OnePod pod(env, "resources");
  auto config = RuntimeEnv::containerConfig("limited", {"sleep", "1000"});
  auto* res = config.mutable_linux()->mutable_resources();
  res->set_cpu_shares(512);
  res->set_cpu_period(100000);
  res->set_cpu_quota(50000);
  res->set_memory_limit_in_bytes(64 << 20);
  const auto id = env.runContainer(pod.id, config, pod.config);
  const pid_t pid = env.runcPid(id);
  REQUIRE(pid > 0);

  // The cgroup hangs under the pod's cgroup parent.
  const auto memDir = RuntimeEnv::cgroupDirOf(pid, "memory");
  CHECK_MESSAGE(memDir.find(env.cgroupParent()) != std::string::npos, memDir);

  if (RuntimeEnv::cgroupV2()) {
    CHECK(cgroupFile(pid, "", "memory.max") == std::to_string(64 << 20));
    CHECK(cgroupFile(pid, "", "cpu.max") == "50000 100000");
    CHECK(cgroupFile(pid, "", "pids.max") == "123");
  } else {
    CHECK(cgroupFile(pid, "memory", "memory.limit_in_bytes") == std::to_string(64 << 20));
    CHECK(cgroupFile(pid, "cpu", "cpu.shares") == "512");
    CHECK(cgroupFile(pid, "cpu", "cpu.cfs_quota_us") == "50000");
    CHECK(cgroupFile(pid, "cpu", "cpu.cfs_period_us") == "100000");
    CHECK(cgroupFile(pid, "pids", "pids.max") == "123");
  }

  v1::UpdateContainerResourcesRequest req;
  req.set_container_id(id);
  auto* linux = req.mutable_linux();
  linux->set_memory_limit_in_bytes(128 << 20);
  linux->set_cpu_shares(512);
  linux->set_cpu_period(100000);
  linux->set_cpu_quota(50000);
  v1::UpdateContainerResourcesResponse resp;
  const auto updated = env.rt().UpdateContainerResources(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(updated.ok(), updated.error_message());
  if (RuntimeEnv::cgroupV2())
    CHECK(cgroupFile(pid, "", "memory.max") == std::to_string(128 << 20));
  else
    CHECK(cgroupFile(pid, "memory", "memory.limit_in_bytes") == std::to_string(128 << 20));
  // The status reports the resources now in force.
  const auto status = env.containerStatus(id);
  if (status.has_resources()) CHECK(status.resources().linux().memory_limit_in_bytes() == (128 << 20));
}

TEST_CASE("stats report cpu, memory and the writable layer of running containers and pods") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  OnePod pod(env, "stats");
  auto config = RuntimeEnv::containerConfig(
      "busy", {"sh", "-c",
               "head -c 2097152 /dev/zero > /blob; i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; "
               "echo ready; sleep 1000"});
  (*config.mutable_labels())["stats"] = "yes";
  const auto id = env.runContainer(pod.id, config, pod.config);
  REQUIRE(RuntimeEnv::waitForFile(pod.config.log_directory() + "/busy.log", "ready", std::chrono::seconds(30)));

  v1::ContainerStatsRequest req;
  req.set_container_id(id);
  v1::ContainerStatsResponse resp;
  const auto status = env.rt().ContainerStats(deadlineContext().get(), req, &resp);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  const auto& s = resp.stats();
  CHECK(s.attributes().id() == id);
  CHECK(s.attributes().metadata().name() == "busy");
  CHECK(s.attributes().labels().at("stats") == "yes");
  CHECK(s.cpu().timestamp() > 0);
  CHECK(s.cpu().usage_core_nano_seconds().value() > 0);
  CHECK(s.memory().working_set_bytes().value() > 0);
  // Disk usage is walked in the background (every 10 s with
  // stats_collection_period = 0), never by the call.
  uint64_t layerBytes = s.writable_layer().used_bytes().value();
  for (int i = 0; i < 150 && layerBytes < 2097152; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    v1::ContainerStatsResponse again;
    REQUIRE(env.rt().ContainerStats(deadlineContext().get(), req, &again).ok());
    layerBytes = again.stats().writable_layer().used_bytes().value();
  }
  CHECK(layerBytes >= 2097152);

  v1::ListContainerStatsRequest lreq;
  lreq.mutable_filter()->set_pod_sandbox_id(pod.id);
  v1::ListContainerStatsResponse lresp;
  REQUIRE(env.rt().ListContainerStats(deadlineContext().get(), lreq, &lresp).ok());
  REQUIRE(lresp.stats_size() == 1);
  CHECK(lresp.stats(0).attributes().id() == id);
  lreq.mutable_filter()->set_pod_sandbox_id(std::string(64, 'd'));
  REQUIRE(env.rt().ListContainerStats(deadlineContext().get(), lreq, &lresp).ok());
  CHECK(lresp.stats_size() == 0);

  v1::PodSandboxStatsRequest preq;
  preq.set_pod_sandbox_id(pod.id);
  v1::PodSandboxStatsResponse presp;
  const auto podStats = env.rt().PodSandboxStats(deadlineContext().get(), preq, &presp);
  REQUIRE_MESSAGE(podStats.ok(), podStats.error_message());
  CHECK(presp.stats().attributes().id() == pod.id);
  CHECK(presp.stats().linux().cpu().usage_core_nano_seconds().value() > 0);
  CHECK(presp.stats().linux().memory().working_set_bytes().value() > 0);
  REQUIRE(presp.stats().linux().containers_size() == 1);
  CHECK(presp.stats().linux().containers(0).attributes().id() == id);

  v1::ListPodSandboxStatsRequest lpreq;
  v1::ListPodSandboxStatsResponse lpresp;
  REQUIRE(env.rt().ListPodSandboxStats(deadlineContext().get(), lpreq, &lpresp).ok());
  REQUIRE(lpresp.stats_size() == 1);
  CHECK(lpresp.stats(0).attributes().id() == pod.id);

  v1::ContainerStatsRequest unknown;
  unknown.set_container_id(std::string(64, 'e'));
  CHECK(env.rt().ContainerStats(deadlineContext().get(), unknown, &resp).error_code() ==
        grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("stats_collection_period = 2: stats come from the background collection, with its time") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env("[crio.stats]\nstats_collection_period = 2\n");
  OnePod pod(env, "periodic");
  const auto id = env.runContainer(
      pod.id, RuntimeEnv::containerConfig("spin", {"sh", "-c", "echo ready; while true; do :; done"}), pod.config);
  REQUIRE(RuntimeEnv::waitForFile(pod.config.log_directory() + "/spin.log", "ready", std::chrono::seconds(30)));

  v1::ContainerStatsRequest req;
  req.set_container_id(id);
  const auto cpuOf = [&](int64_t* timestamp) {
    v1::ContainerStatsResponse resp;
    const auto status = env.rt().ContainerStats(deadlineContext().get(), req, &resp);
    REQUIRE_MESSAGE(status.ok(), status.error_message());
    *timestamp = resp.stats().cpu().timestamp();
    return resp.stats().cpu().usage_core_nano_seconds().value();
  };
  // The first collection after the start.
  int64_t first = 0;
  uint64_t firstCpu = 0;
  for (int i = 0; i < 50 && first == 0; ++i) {
    firstCpu = cpuOf(&first);
    if (first == 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  REQUIRE(first > 0);
  // Calls in between share one reading: same time, same figure, though the
  // container spins all the while.
  int64_t again = 0;
  const uint64_t againCpu = cpuOf(&again);
  if (again == first) CHECK(againCpu == firstCpu);
  // A later collection has a later time and more CPU.
  int64_t later = first;
  uint64_t laterCpu = firstCpu;
  for (int i = 0; i < 50 && later == first; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    laterCpu = cpuOf(&later);
  }
  CHECK(later > first);
  CHECK(laterCpu > firstCpu);
  // Within a period's reading the timestamp is the collection's, not now:
  // at least one pair of back-to-back calls shares it.
  bool shared = false;
  for (int i = 0; i < 20 && !shared; ++i) {
    int64_t a = 0, b = 0;
    cpuOf(&a);
    cpuOf(&b);
    shared = a == b;
  }
  CHECK(shared);
}

}  // TEST_SUITE

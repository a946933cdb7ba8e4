// Pod sandboxes through the real daemon: run, status, list with filters,
// stop and remove (both idempotent), name reservation, namespaces.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <filesystem>
#include <set>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;

namespace {

int64_t nowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::set<std::string> ids(const std::vector<v1::PodSandbox>& pods) {
  std::set<std::string> out;
  for (const auto& p : pods) out.insert(p.id());
  return out;
}

// Interface names from /proc/net/dev ("  lo: 123 ..." lines after two headers).
std::set<std::string> interfaces(const std::string& procNetDev) {
  std::set<std::string> names;
  for (const auto& line : lines(procNetDev)) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    auto name = line.substr(0, colon);
    name.erase(0, name.find_first_not_of(' '));
    names.insert(name);
  }
  return names;
}

}  // namespace

TEST_SUITE("runtime-pod") {

TEST_CASE("a pod runs and its status reports what was asked for") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  auto config = env.podConfig("status-pod");
  (*config.mutable_labels())["app"] = "web";
  (*config.mutable_labels())["tier"] = "front";
  (*config.mutable_annotations())["example.test/note"] = "hello";
  auto* ns = config.mutable_linux()->mutable_security_context()->mutable_namespace_options();
  ns->set_network(v1::POD);
  ns->set_pid(v1::CONTAINER);
  ns->set_ipc(v1::POD);

  const auto before = nowNanos();
  const auto id = env.runPod(config);
  const auto after = nowNanos();

  const auto status = env.podStatus(id);
  CHECK(status.id() == id);
  CHECK(status.state() == v1::SANDBOX_READY);
  CHECK(status.created_at() >= before - 1'000'000'000);  // clocks: allow a second of rounding
  CHECK(status.created_at() <= after);
  CHECK(status.metadata().name() == "status-pod");
  CHECK(status.metadata().namespace_() == "crix-test");
  CHECK(status.metadata().uid() == config.metadata().uid());
  CHECK(status.metadata().attempt() == 0);
  CHECK(status.labels().at("app") == "web");
  CHECK(status.labels().at("tier") == "front");
  CHECK(status.annotations().at("example.test/note") == "hello");
  const auto& opts = status.linux().namespaces().options();
  CHECK(opts.network() == v1::POD);
  CHECK(opts.pid() == v1::CONTAINER);
  CHECK(opts.ipc() == v1::POD);

  // The list shows the same pod.
  const auto pods = env.listPods();
  REQUIRE(pods.size() == 1);
  CHECK(pods[0].id() == id);
  CHECK(pods[0].state() == v1::SANDBOX_READY);
  CHECK(pods[0].metadata().name() == "status-pod");
  CHECK(pods[0].created_at() == status.created_at());
  CHECK(pods[0].labels().at("app") == "web");
  CHECK(pods[0].annotations().at("example.test/note") == "hello");

  // An unknown pod is NotFound.
  v1::PodSandboxStatusResponse resp;
  CHECK(env.tryPodStatus("0123456789abcdef", &resp).error_code() == grpc::StatusCode::NOT_FOUND);
}

TEST_CASE("pods are listed by id, state and label selector") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  auto ca = env.podConfig("list-a");
  (*ca.mutable_labels())["group"] = "one";
  (*ca.mutable_labels())["role"] = "db";
  auto cb = env.podConfig("list-b");
  (*cb.mutable_labels())["group"] = "one";
  auto cc = env.podConfig("list-c");
  (*cc.mutable_labels())["group"] = "two";
  const auto a = env.runPod(ca);
  const auto b = env.runPod(cb);
  const auto c = env.runPod(cc);
  REQUIRE(env.stopPod(c).ok());

  CHECK(ids(env.listPods()) == std::set<std::string>{a, b, c});

  v1::PodSandboxFilter byId;
  byId.set_id(b);
  CHECK(ids(env.listPods(&byId)) == std::set<std::string>{b});
  // CRI-O (and crictl) also accept a unique prefix of the ID.
  byId.set_id(b.substr(0, 12));
  CHECK(ids(env.listPods(&byId)) == std::set<std::string>{b});
  byId.set_id("ffffffffffffffffffff");
  CHECK(env.listPods(&byId).empty());

  v1::PodSandboxFilter ready;
  ready.mutable_state()->set_state(v1::SANDBOX_READY);
  CHECK(ids(env.listPods(&ready)) == std::set<std::string>{a, b});
  v1::PodSandboxFilter notReady;
  notReady.mutable_state()->set_state(v1::SANDBOX_NOTREADY);
  CHECK(ids(env.listPods(&notReady)) == std::set<std::string>{c});

  v1::PodSandboxFilter groupOne;
  (*groupOne.mutable_label_selector())["group"] = "one";
  CHECK(ids(env.listPods(&groupOne)) == std::set<std::string>{a, b});
  // Every selector label must match.
  (*groupOne.mutable_label_selector())["role"] = "db";
  CHECK(ids(env.listPods(&groupOne)) == std::set<std::string>{a});

  // Filters combine.
  v1::PodSandboxFilter combined;
  combined.set_id(c);
  combined.mutable_state()->set_state(v1::SANDBOX_READY);
  CHECK(env.listPods(&combined).empty());
}

TEST_CASE("stopping and removing a pod are idempotent") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto config = env.podConfig("idem");
  const auto id = env.runPod(config);

  auto stopped = env.stopPod(id);
  REQUIRE_MESSAGE(stopped.ok(), stopped.error_message());
  CHECK(env.podStatus(id).state() == v1::SANDBOX_NOTREADY);
  stopped = env.stopPod(id);
  CHECK_MESSAGE(stopped.ok(), "second stop: " << stopped.error_message());

  auto removed = env.removePod(id);
  REQUIRE_MESSAGE(removed.ok(), removed.error_message());
  v1::PodSandboxStatusResponse resp;
  CHECK(env.tryPodStatus(id, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(env.listPods().empty());
  removed = env.removePod(id);
  CHECK_MESSAGE(removed.ok(), "second remove: " << removed.error_message());

  // The name is free again once the pod is removed.
  std::string again;
  const auto rerun = env.tryRunPod(config, &again);
  CHECK_MESSAGE(rerun.ok(), rerun.error_message());
  CHECK(again != id);
}

TEST_CASE("removing a pod that was never stopped stops it and its containers") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto config = env.podConfig("remove-running");
  const auto pod = env.runPod(config);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("sleeper", {"sleep", "1000"}), config);
  const pid_t pid = env.runcPid(ctr);
  REQUIRE(pid > 0);

  const auto removed = env.removePod(pod);
  REQUIRE_MESSAGE(removed.ok(), removed.error_message());
  CHECK(env.listPods().empty());
  CHECK(env.listContainers().empty());
  v1::ContainerStatusResponse resp;
  CHECK(env.tryContainerStatus(ctr, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(env.runcStatus(ctr).empty());
  const std::string cmdline = "/proc/" + std::to_string(pid) + "/cmdline";
  const bool sleeperAlive = fs::exists(cmdline) && readFile(cmdline).starts_with("sleep");
  CHECK_FALSE(sleeperAlive);
}

TEST_CASE("stopping a pod stops its containers and keeps them listed") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto config = env.podConfig("stop-with-containers");
  const auto pod = env.runPod(config);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("sleeper", {"sleep", "1000"}), config);
  REQUIRE(env.stopPod(pod).ok());
  const auto status = env.containerStatus(ctr);
  CHECK(status.state() == v1::CONTAINER_EXITED);
  CHECK(status.finished_at() > 0);
  CHECK(env.podStatus(pod).state() == v1::SANDBOX_NOTREADY);
}

TEST_CASE("a second pod with the same name is refused, naming the holder") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto config = env.podConfig("dup");
  const auto first = env.runPod(config);
  std::string second;
  const auto status = env.tryRunPod(config, &second);
  CHECK(status.error_code() == grpc::StatusCode::ALREADY_EXISTS);
  CHECK_MESSAGE(status.error_message().find(first) != std::string::npos, status.error_message());
  CHECK(env.listPods().size() == 1);

  // Another attempt (kubelet's retry after a sandbox died) is a new name.
  auto nextAttempt = config;
  nextAttempt.mutable_metadata()->set_attempt(1);
  std::string third;
  const auto retried = env.tryRunPod(nextAttempt, &third);
  CHECK_MESSAGE(retried.ok(), retried.error_message());
}

TEST_CASE("unknown pods: status is NotFound, stop and remove succeed") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const std::string unknown(64, 'a');
  v1::PodSandboxStatusResponse resp;
  CHECK(env.tryPodStatus(unknown, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  // The CRI: stopping and removing must not fail when the pod is already
  // gone (CRI-O answers both with success and a warning).
  const auto stopped = env.stopPod(unknown);
  CHECK_MESSAGE(stopped.ok(), stopped.error_message());
  const auto removed = env.removePod(unknown);
  CHECK_MESSAGE(removed.ok(), removed.error_message());
}

TEST_CASE("a host-network pod sees the host's interfaces, a pod network only lo") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  auto hostConfig = env.podConfig("host-net");
  hostConfig.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_network(v1::NODE);
  const auto hostPod = env.runPod(hostConfig);
  CHECK(env.podStatus(hostPod).linux().namespaces().options().network() == v1::NODE);
  const auto hostCtr =
      env.runContainer(hostPod, RuntimeEnv::containerConfig("net", {"sleep", "1000"}), hostConfig);
  // Other tests on this machine may add or remove interfaces meanwhile:
  // compare with what the host had both before and after the look inside.
  const auto before = interfaces(readFile("/proc/net/dev"));
  const auto inside = interfaces(env.execOut(hostCtr, {"cat", "/proc/net/dev"}));
  const auto after = interfaces(readFile("/proc/net/dev"));
  REQUIRE(before.size() > 1);
  for (const auto& name : before)
    if (after.count(name)) CHECK_MESSAGE(inside.count(name) == 1, name << " not seen in the host-network pod");
  const pid_t hostPid = env.runcPid(hostCtr);
  REQUIRE(hostPid > 0);
  CHECK(fs::read_symlink("/proc/" + std::to_string(hostPid) + "/ns/net") == fs::read_symlink("/proc/self/ns/net"));

  auto podConfig = env.podConfig("pod-net");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("net", {"sleep", "1000"}), podConfig);
  CHECK(interfaces(env.execOut(ctr, {"cat", "/proc/net/dev"})) == std::set<std::string>{"lo"});
  // Loopback is up in the pod's namespace.
  CHECK(env.execOut(ctr, {"ip", "link", "show", "lo"}).find("UP") != std::string::npos);
}

TEST_CASE("containers of a pod share its network namespace, and the hostname is the pod's") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto config = env.podConfig("shared-net");
  const auto pod = env.runPod(config);
  const auto a = env.runContainer(pod, RuntimeEnv::containerConfig("a", {"sleep", "1000"}), config);
  const auto b = env.runContainer(pod, RuntimeEnv::containerConfig("b", {"sleep", "1000"}), config);
  const pid_t pa = env.runcPid(a), pb = env.runcPid(b);
  REQUIRE(pa > 0);
  REQUIRE(pb > 0);
  CHECK(fs::read_symlink("/proc/" + std::to_string(pa) + "/ns/net") ==
        fs::read_symlink("/proc/" + std::to_string(pb) + "/ns/net"));
  CHECK(fs::read_symlink("/proc/" + std::to_string(pa) + "/ns/net") != fs::read_symlink("/proc/self/ns/net"));
  CHECK(fs::read_symlink("/proc/" + std::to_string(pa) + "/ns/ipc") ==
        fs::read_symlink("/proc/" + std::to_string(pb) + "/ns/ipc"));
  CHECK(fs::read_symlink("/proc/" + std::to_string(pa) + "/ns/uts") ==
        fs::read_symlink("/proc/" + std::to_string(pb) + "/ns/uts"));
  // Default pid mode CONTAINER: each has its own.
  CHECK(fs::read_symlink("/proc/" + std::to_string(pa) + "/ns/pid") !=
        fs::read_symlink("/proc/" + std::to_string(pb) + "/ns/pid"));
  CHECK(env.execOut(a, {"hostname"}) == "shared-net\n");
}

TEST_CASE("with a shared pid namespace the pod's containers see each other's processes") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  auto config = env.podConfig("share-pid");
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::POD);
  const auto pod = env.runPod(config);
  CHECK(env.podStatus(pod).linux().namespaces().options().pid() == v1::POD);

  auto first = RuntimeEnv::containerConfig("first", {"sleep", "4242"});
  first.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::POD);
  auto second = RuntimeEnv::containerConfig("second", {"sleep", "1000"});
  second.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::POD);
  env.runContainer(pod, first, config);
  const auto b = env.runContainer(pod, second, config);
  const auto ps = env.execOut(b, {"ps", "-o", "args"});
  CHECK_MESSAGE(ps.find("sleep 4242") != std::string::npos, ps);
  CHECK_MESSAGE(ps.find("sleep 1000") != std::string::npos, ps);
}

}  // TEST_SUITE

// The daemon as a kubelet uses it: many calls at once, some of them slow.
// A stop waiting out a long grace period, and creates, starts, stops and
// removes from several threads, must hold up nothing else and leave every
// object in the state runc sees.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/ProcStatus.h"

using namespace crix::test;
using Clock = std::chrono::steady_clock;

namespace {

double secondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The daemon's thread count, from /proc.
int threadsOf(pid_t pid) { return static_cast<int>(crix::test::procStatusValue(pid, "Threads")); }

// A running shell that ignores SIGTERM, once its trap is set.
std::string runStubborn(RuntimeEnv& env, const std::string& podId, const v1::PodSandboxConfig& podConfig) {
  const auto id = env.runContainer(
      podId, RuntimeEnv::containerConfig("stubborn", {"sh", "-c", "trap '' TERM; echo trapped; while true; do sleep 1; done"}),
      podConfig);
  REQUIRE(RuntimeEnv::waitForFile(env.containerStatus(id).log_path(), "trapped"));
  return id;
}

// What ContainerStatus's verbose info says runs on the container.
std::string activityOf(RuntimeEnv& env, const std::string& id) {
  v1::ContainerStatusResponse resp;
  const auto status = env.tryContainerStatus(id, &resp, true);
  REQUIRE_MESSAGE(status.ok(), status.error_message());
  return nlohmann::json::parse(resp.info().at("info")).value("activity", "<none>");
}

}  // namespace

TEST_SUITE("runtime-concurrency") {

TEST_CASE("a stop waiting out a 120 s grace period holds up neither its pod nor other pods") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("long-stop");
  const auto podId = env.runPod(podConfig);
  const auto stubborn = runStubborn(env, podId, podConfig);

  const auto stopStarted = Clock::now();
  std::atomic<bool> stopReturned{false};
  grpc::Status stopStatus;
  std::thread stopper([&] {
    stopStatus = env.stopContainer(stubborn, 120);
    stopReturned = true;
  });
  struct JoinOnExit {
    std::thread& t;
    ~JoinOnExit() {
      if (t.joinable()) t.join();
    }
  } joinStopper{stopper};
  // Let the stop send its SIGTERM and settle into its wait.
  std::this_thread::sleep_for(std::chrono::seconds(1));

  // The stopping container's own status answers at once, and says what
  // runs on it.
  auto t = Clock::now();
  CHECK(env.containerStatus(stubborn).state() == v1::CONTAINER_RUNNING);
  CHECK(secondsSince(t) < 2);
  CHECK(activityOf(env, stubborn) == "stopping");

  // A second container in the same pod is created and started.
  t = Clock::now();
  const auto second = env.runContainer(podId, RuntimeEnv::containerConfig("second", {"sleep", "1000"}), podConfig);
  CHECK(env.containerStatus(second).state() == v1::CONTAINER_RUNNING);
  CHECK_MESSAGE(secondsSince(t) < 10, "create + start took " << secondsSince(t) << " s");

  // 24 other pods come and go.
  t = Clock::now();
  for (int i = 0; i < 24; ++i) {
    const auto other = env.runPod(env.podConfig("other-" + std::to_string(i)));
    REQUIRE(env.stopPod(other).ok());
    REQUIRE(env.removePod(other).ok());
  }
  CHECK_MESSAGE(secondsSince(t) < 60, "24 pods took " << secondsSince(t) << " s");
  CHECK(env.listPods().size() == 1);

  // The stop still honours its grace period: the container still runs.
  CHECK_FALSE(stopReturned.load());
  CHECK(env.containerStatus(stubborn).state() == v1::CONTAINER_RUNNING);
  CHECK(env.runcStatus(stubborn) == "running");

  // A second StopContainer with a shorter timeout wins: SIGKILL after 1 s,
  // and the first stop returns with it.
  t = Clock::now();
  const auto second_stop = env.stopContainer(stubborn, 1);
  CHECK_MESSAGE(second_stop.ok(), second_stop.error_message());
  CHECK(secondsSince(t) < 15);
  stopper.join();
  CHECK_MESSAGE(stopStatus.ok(), stopStatus.error_message());
  CHECK(secondsSince(stopStarted) < 60);
  const auto ended = env.containerStatus(stubborn);
  CHECK(ended.state() == v1::CONTAINER_EXITED);
  CHECK(ended.exit_code() == 137);
  CHECK(activityOf(env, stubborn) == "");
  CHECK(env.containerStatus(second).state() == v1::CONTAINER_RUNNING);
}

TEST_CASE("RemoveContainer of a container whose stop is waiting forces the stop") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("forced");
  const auto podId = env.runPod(podConfig);
  const auto stubborn = runStubborn(env, podId, podConfig);
  grpc::Status stopStatus;
  std::thread stopper([&] { stopStatus = env.stopContainer(stubborn, 120); });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const auto t = Clock::now();
  const auto removed = env.removeContainer(stubborn);
  stopper.join();
  CHECK_MESSAGE(removed.ok(), removed.error_message());
  CHECK_MESSAGE(stopStatus.ok(), stopStatus.error_message());
  CHECK(secondsSince(t) < 20);
  v1::ContainerStatusResponse resp;
  CHECK(env.tryContainerStatus(stubborn, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
  CHECK(env.runcStatus(stubborn).empty());
}

TEST_CASE("create, start, stop and remove from 8 threads, in one pod and across pods") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto sharedConfig = env.podConfig("shared");
  const auto sharedPod = env.runPod(sharedConfig);
  struct Pod {
    std::string id;
    v1::PodSandboxConfig config;
  };
  std::vector<Pod> ownPods;
  for (int i = 0; i < 4; ++i) {
    auto config = env.podConfig("own-" + std::to_string(i));
    ownPods.push_back({env.runPod(config), config});
  }

  std::mutex mutex;
  std::vector<std::string> errors, kept, removed;
  const auto note = [&](std::vector<std::string>& into, const std::string& text) {
    std::lock_guard lock(mutex);
    into.push_back(text);
  };
  const auto worker = [&](int n) {
    // Even threads share one pod, odd ones have a pod each.
    const Pod pod = n % 2 == 0 ? Pod{sharedPod, sharedConfig} : ownPods[n / 2];
    for (int round = 0; round < 3; ++round) {
      const std::string base = "t" + std::to_string(n) + "-r" + std::to_string(round);
      std::string keep, drop;
      auto s = env.tryCreateContainer(pod.id, RuntimeEnv::containerConfig(base + "-keep", {"sleep", "1000"}), pod.config, &keep);
      if (!s.ok()) return note(errors, base + " create keep: " + s.error_message());
      s = env.tryCreateContainer(pod.id, RuntimeEnv::containerConfig(base + "-drop", {"sleep", "1000"}), pod.config, &drop);
      if (!s.ok()) return note(errors, base + " create drop: " + s.error_message());
      if (!(s = env.startContainer(keep)).ok()) return note(errors, base + " start keep: " + s.error_message());
      if (!(s = env.startContainer(drop)).ok()) return note(errors, base + " start drop: " + s.error_message());
      if (!(s = env.stopContainer(drop, 1)).ok()) return note(errors, base + " stop: " + s.error_message());
      if (!(s = env.removeContainer(drop)).ok()) return note(errors, base + " remove: " + s.error_message());
      note(kept, keep);
      note(removed, drop);
    }
  };
  std::vector<std::thread> threads;
  for (int n = 0; n < 8; ++n) threads.emplace_back(worker, n);
  for (auto& thread : threads) thread.join();

  for (const auto& e : errors) FAIL_CHECK(e);
  CHECK(kept.size() == 24);
  CHECK(removed.size() == 24);
  for (const auto& id : kept) {
    CHECK(env.containerStatus(id).state() == v1::CONTAINER_RUNNING);
    CHECK(env.runcStatus(id) == "running");
  }
  for (const auto& id : removed) {
    v1::ContainerStatusResponse resp;
    CHECK(env.tryContainerStatus(id, &resp).error_code() == grpc::StatusCode::NOT_FOUND);
    CHECK(env.runcStatus(id).empty());
  }
  CHECK(env.listContainers().size() == kept.size());
}

TEST_CASE("96 ExecSync calls of sleep 5 against a bound of 32 threads: the bound holds and Version answers") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env("[crio.api]\ngrpc_max_threads = 32\n");
  const auto podConfig = env.podConfig("probes");
  const auto podId = env.runPod(podConfig);
  const auto target = env.runContainer(podId, RuntimeEnv::containerConfig("target", {"sleep", "1000"}), podConfig);
  const pid_t daemonPid = env.daemon().pid();
  const int before = threadsOf(daemonPid);
  REQUIRE(before > 0);

  std::atomic<int> ok{0}, exhausted{0}, other{0};
  std::mutex mutex;
  std::string otherErrors;
  std::vector<std::thread> callers;
  for (int i = 0; i < 96; ++i)
    callers.emplace_back([&] {
      v1::ExecSyncResponse resp;
      const auto s = env.execSync(target, {"sleep", "5"}, &resp, 20);
      if (s.ok() && resp.exit_code() == 0) {
        ++ok;
      } else if (s.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        ++exhausted;
      } else {
        ++other;
        std::lock_guard lock(mutex);
        otherErrors += s.error_message() + "; ";
      }
    });
  // While the burst runs: count threads, and ask for the version.
  int peak = 0, versionsOk = 0;
  double slowestVersion = 0;
  const auto burstEnd = Clock::now() + std::chrono::seconds(4);
  while (Clock::now() < burstEnd) {
    peak = std::max(peak, threadsOf(daemonPid));
    const auto t = Clock::now();
    v1::VersionRequest req;
    v1::VersionResponse resp;
    if (env.rt().Version(deadlineContext(std::chrono::seconds(5)).get(), req, &resp).ok()) ++versionsOk;
    slowestVersion = std::max(slowestVersion, secondsSince(t));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  for (auto& caller : callers) caller.join();

  MESSAGE("threads before ", before, ", peak ", peak, "; ExecSync ok ", ok.load(), ", RESOURCE_EXHAUSTED ",
          exhausted.load(), "; Version answered ", versionsOk, " times, slowest ", slowestVersion, " s");
  CHECK_MESSAGE(other.load() == 0, otherErrors);
  CHECK(ok.load() + exhausted.load() == 96);
  CHECK(ok.load() >= 16);
  CHECK(exhausted.load() > 0);
  // gRPC's own threads beyond the quota (its executor, timers) were there before.
  CHECK(peak - before <= 32);
  CHECK(versionsOk >= 10);
  CHECK(slowestVersion < 2);
}

}  // TEST_SUITE

// ContainerLifecycle over fakes of the node (LifecycleFakes.h): which call
// waits for which, what a failure leaves behind, and that a stop waiting
// out its grace period holds up nothing but itself. Races are staged with
// gates that hold one call inside the runtime while others run.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <future>
#include <random>
#include <thread>

#include "core/Error.h"
#include "tests/support/ErrorOf.h"
#include "tests/support/Eventually.h"
#include "tests/cri/runtime/LifecycleFakes.h"

namespace crix::cri {
namespace {

using namespace std::chrono_literals;
using fakes::FakeOciBackend;
using fakes::LifecycleHarness;

template <typename F>
auto inBackground(F f) {
  return std::async(std::launch::async, std::move(f));
}

bool ready(const std::future<void>& f, std::chrono::milliseconds wait = 0ms) {
  return f.wait_for(wait) == std::future_status::ready;
}

int countCalls(const FakeOciBackend& oci, const std::string& call) {
  int n = 0;
  for (const auto& c : oci.calls()) n += c == call;
  return n;
}

}  // namespace

TEST_SUITE("cri container lifecycle") {
  TEST_CASE("a stop waiting out a 120 s grace period holds up neither status, nor a create and start in its pod, nor other pods") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    h.oci.nextIgnoresStopSignal = true;
    const auto stubborn = h.runContainer(pod, "stubborn");
    h.oci.nextIgnoresStopSignal = false;

    auto stop = inBackground([&] { h.containers.stop(stubborn, 120s); });
    const LifecycleHarness::Unblocker unblock_stop(h);
    REQUIRE(test::eventually([&] { return h.state.containerActivity(stubborn) == Activity::Stopping; }, 10s));
    REQUIRE(test::eventually([&] { return countCalls(h.oci, "kill " + stubborn + " 15") == 1; }, 10s));

    CHECK(h.containers.status(stubborn).state == ContainerState::Running);
    CHECK(h.containers.list().size() == 1);
    const auto sidecar = h.runContainer(pod, "sidecar");
    CHECK(h.containers.status(sidecar).state == ContainerState::Running);
    for (int i = 0; i < 24; ++i) {
      const auto other = h.runPod("other-" + std::to_string(i));
      h.runContainer(other, "app");
      h.pods.stop(other);
      h.pods.remove(other);
    }
    CHECK_FALSE(ready(stop));  // the grace period is honoured
    CHECK(h.oci.state(stubborn) == FakeOciBackend::State::Running);

    // RemoveContainer forces the stop: SIGKILL, and both calls end.
    auto removal = inBackground([&] { h.containers.remove(stubborn); });
    const LifecycleHarness::Unblocker unblock_removal(h);
    REQUIRE(ready(removal, 10s));
    CHECK_NOTHROW(removal.get());
    REQUIRE(ready(stop, 10s));
    CHECK_NOTHROW(stop.get());
    CHECK(countCalls(h.oci, "kill " + stubborn + " 9") >= 1);
    CHECK_FALSE(h.state.container(stubborn));
    CHECK_FALSE(h.oci.state(stubborn));
    CHECK(h.images.rootfs() == std::set<std::string>{sidecar});
    CHECK(h.sandbox.holders() == std::set<std::string>{pod});
  }

  TEST_CASE("a second stop joins the first and the shorter deadline wins") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    h.oci.nextIgnoresStopSignal = true;
    const auto id = h.runContainer(pod, "stubborn");

    auto longStop = inBackground([&] { h.containers.stop(id, 120s); });
    const LifecycleHarness::Unblocker unblock_longStop(h);
    REQUIRE(test::eventually([&] { return countCalls(h.oci, "kill " + id + " 15") == 1; }, 10s));
    auto shortStop = inBackground([&] { h.containers.stop(id, 1s); });
    const LifecycleHarness::Unblocker unblock_shortStop(h);
    REQUIRE(ready(shortStop, 10s));
    REQUIRE(ready(longStop, 10s));
    CHECK_NOTHROW(shortStop.get());
    CHECK_NOTHROW(longStop.get());
    const auto record = h.containers.status(id);
    CHECK(record.state == ContainerState::Exited);
    CHECK(record.exitCode == 137);
    CHECK(h.state.containerActivity(id) == Activity::Idle);
  }

  TEST_CASE("status and list answer while a start is in flight; a stop waits for it and then finds the container running") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    const auto id = h.createContainer(pod, "app");
    h.oci.startGate.close();
    auto start = inBackground([&] { h.containers.start(id); });
    const LifecycleHarness::Unblocker unblock_start(h);
    REQUIRE(h.oci.startGate.awaitEntered());

    CHECK(h.containers.status(id).state == ContainerState::Created);
    CHECK(h.state.containerActivity(id) == Activity::Starting);
    CHECK(h.containers.list().size() == 1);
    auto stop = inBackground([&] { h.containers.stop(id, 5s); });
    const LifecycleHarness::Unblocker unblock_stop(h);
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(ready(stop));
    CHECK(countCalls(h.oci, "kill " + id + " 15") == 0);

    h.oci.startGate.open();
    REQUIRE(ready(start, 10s));
    REQUIRE(ready(stop, 10s));
    CHECK_NOTHROW(start.get());
    CHECK_NOTHROW(stop.get());
    // The stop signal, not SIGKILL: the stop saw a running container.
    CHECK(countCalls(h.oci, "kill " + id + " 15") == 1);
    CHECK(countCalls(h.oci, "kill " + id + " 9") == 0);
    const auto record = h.containers.status(id);
    CHECK(record.state == ContainerState::Exited);
    CHECK(record.exitCode == 128 + SIGTERM);
    CHECK(record.startedAtNanos > 0);
  }

  TEST_CASE("a create in flight is invisible to List, and a RemovePodSandbox waits for it and removes it") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    h.oci.launchGate.close();
    auto create = std::async(std::launch::async, [&] { return h.createContainer(pod, "slow"); });
    const LifecycleHarness::Unblocker unblock_create(h);
    REQUIRE(h.oci.launchGate.awaitEntered());
    CHECK(h.containers.list().empty());
    // Another create in the same pod is not held up by it.
    const auto quick = std::async(std::launch::async, [&] { return h.createContainer(pod, "quick"); });
    const LifecycleHarness::Unblocker unblock_quick(h);
    REQUIRE(h.oci.launchGate.awaitEntered(2));

    auto remove = inBackground([&] { h.pods.remove(pod); });
    const LifecycleHarness::Unblocker unblock_remove(h);
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(ready(remove));
    // Refused: the pod is on its way out.
    const auto refused = test::errorOf([&] { h.createContainer(pod, "late"); });
    CHECK(refused.code() == StatusCode::FailedPrecondition);

    h.oci.launchGate.open();
    REQUIRE(ready(remove, 10s));
    CHECK_NOTHROW(remove.get());
    CHECK_NOTHROW(create.get());
    CHECK(h.leftovers() == "");
  }

  TEST_CASE("a failed create is undone: no record, root filesystem, runtime state or directory") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    h.oci.failLaunch = true;
    const auto err = test::errorOf([&] { h.createContainer(pod, "app"); });
    CHECK(err.code() == StatusCode::Internal);
    CHECK(std::string(err.what()).find("fake failure") != std::string::npos);
    CHECK(h.state.containers().empty());
    CHECK(h.state.containersOfPod(pod).empty());
    CHECK(h.images.rootfs().empty());
    CHECK(h.oci.ids().empty());
    CHECK(std::filesystem::is_empty(h.state.layout().containersDir()));
    // The name is free again.
    h.oci.failLaunch = false;
    CHECK_NOTHROW(h.createContainer(pod, "app"));
  }

  TEST_CASE("a failed start leaves the container exited with StartError, killed, and its error") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    const auto id = h.createContainer(pod, "app");
    h.oci.failStart = true;
    const auto err = test::errorOf([&] { h.containers.start(id); });
    CHECK(err.code() == StatusCode::Unknown);
    const auto record = h.containers.status(id);
    CHECK(record.state == ContainerState::Exited);
    CHECK(record.reason == "StartError");
    CHECK(record.message.find("fake failure") != std::string::npos);
    CHECK(countCalls(h.oci, "kill " + id + " 9") == 1);
    // Once only: a second start is refused, not retried.
    h.oci.failStart = false;
    CHECK(test::errorOf([&] { h.containers.start(id); }).code() == StatusCode::FailedPrecondition);
  }

  TEST_CASE("an exit is recorded when the watcher reports it and announced once") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    const auto id = h.runContainer(pod, "app");
    std::vector<ContainerEvent> seen;
    std::mutex seenMutex;
    const auto subscription = h.containers.events().subscribe([&](const ContainerEvent& e) {
      std::lock_guard lock(seenMutex);
      seen.push_back(e);
    });
    h.oci.exit(id, 3);
    h.containers.noteExit(id);
    h.containers.noteExit(id);
    CHECK(h.containers.status(id).state == ContainerState::Exited);
    h.containers.list();
    std::lock_guard lock(seenMutex);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].containerId == id);
    CHECK(seen[0].exitCode == 3);
    CHECK(seen[0].reason == "Error");
    // The record on disk says so too: a restart reads it back.
    std::vector<std::string> damaged;
    const auto records = h.state.readContainerRecords(&damaged);
    REQUIRE(records.size() == 1);
    CHECK(records[0].state == ContainerState::Exited);
    CHECK(records[0].exitCode == 3);
  }

  TEST_CASE("bad requests get an error a person can act on") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    auto request = h.containerRequest(pod, "app");
    request.mutable_config()->mutable_metadata()->set_name("");
    CHECK(test::errorOf([&] { h.containers.create(request); }).code() == StatusCode::InvalidArgument);
    request = h.containerRequest("no-such-pod", "app");
    CHECK(test::errorOf([&] { h.containers.create(request); }).code() == StatusCode::NotFound);
    request = h.containerRequest(pod, "app");
    request.mutable_config()->mutable_image()->set_image("nginx");
    const auto noImage = test::errorOf([&] { h.containers.create(request); });
    CHECK(noImage.code() == StatusCode::NotFound);
    CHECK(std::string(noImage.what()).find("pull it first") != std::string::npos);
    const auto id = h.createContainer(pod, "app");
    CHECK(test::errorOf([&] { h.containers.execSync(id, {"true"}, 1s); }).code() == StatusCode::FailedPrecondition);
    CHECK(test::errorOf([&] { h.containers.reopenLog(id); }).code() == StatusCode::FailedPrecondition);
    CHECK(test::errorOf([&] { h.containers.status("nope"); }).code() == StatusCode::NotFound);
    CHECK_NOTHROW(h.containers.remove("nope"));
    CHECK(h.state.containers().size() == 1);
    CHECK(h.sandbox.holders() == std::set<std::string>{pod});
  }

  TEST_CASE("ExecSync and UpdateContainerResources reach the runtime and keep the record") {
    LifecycleHarness h;
    const auto pod = h.runPod("web");
    const auto id = h.runContainer(pod, "app");
    const auto out = h.containers.execSync(id, {"echo", "hi"}, 1s);
    CHECK(out.exitCode == 0);
    CHECK(out.stdoutBytes == R"(["echo","hi"])");
    runtime::v1::LinuxContainerResources resources;
    resources.set_cpu_shares(512);
    h.containers.updateResources(id, resources);
    CHECK(h.containers.status(id).config.linux().resources().cpu_shares() == 512);
    CHECK(countCalls(h.oci, "exec " + id) == 1);
  }

  TEST_CASE("8 threads creating, starting, stopping and removing in two pods: every record matches the runtime") {
    LifecycleHarness h;
    const std::vector<std::string> pods{h.runPod("a"), h.runPod("b")};
    std::atomic<int> unexpected{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        std::mt19937 random(t);
        for (int i = 0; i < 40; ++i) {
          const auto& pod = pods[random() % 2];
          try {
            const auto all = h.state.containersOfPod(pod);
            const int op = static_cast<int>(random() % 4);
            if (op == 0 || all.empty()) {
              h.createContainer(pod, "c" + std::to_string(t) + "-" + std::to_string(i));
              continue;
            }
            const auto& target = all[random() % all.size()].id;
            if (op == 1) h.containers.start(target);
            else if (op == 2) h.containers.stop(target, 1s);
            else h.containers.remove(target);
          } catch (const Error& e) {
            // A container removed meanwhile, or started twice: errors the
            // caller expects. Anything else is a bug.
            if (e.code() != StatusCode::NotFound && e.code() != StatusCode::FailedPrecondition) {
              MESSAGE(std::string(e.what()));
              ++unexpected;
            }
          }
        }
      });
    }
    for (auto& thread : threads) thread.join();
    CHECK(unexpected == 0);

    std::set<std::string> recorded;
    for (const auto& record : h.containers.list()) {
      recorded.insert(record.id);
      CHECK(h.state.containerActivity(record.id) == Activity::Idle);
      const auto actual = h.oci.state(record.id);
      REQUIRE(actual);
      const auto expected = record.state == ContainerState::Created   ? FakeOciBackend::State::Created
                            : record.state == ContainerState::Running ? FakeOciBackend::State::Running
                                                                      : FakeOciBackend::State::Exited;
      CHECK(*actual == expected);
    }
    CHECK(h.oci.ids() == recorded);
    CHECK(h.images.rootfs() == recorded);
    std::vector<std::string> damaged;
    CHECK(h.state.readContainerRecords(&damaged).size() == recorded.size());
    CHECK(damaged.empty());
  }
}

}  // namespace crix::cri

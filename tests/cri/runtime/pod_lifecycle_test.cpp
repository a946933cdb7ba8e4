// PodLifecycle over fakes of the node (LifecycleFakes.h): a pod is set up
// all or nothing, torn down once, its containers first, and one pod's
// teardown holds up no other pod.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "core/Error.h"
#include "tests/support/ErrorOf.h"
#include "tests/cri/runtime/LifecycleFakes.h"

namespace crix::cri {
namespace {

using namespace std::chrono_literals;
using fakes::FakeOciBackend;
using fakes::LifecycleHarness;

bool ready(const std::future<void>& f, std::chrono::milliseconds wait = 0ms) {
  return f.wait_for(wait) == std::future_status::ready;
}

}  // namespace

TEST_SUITE("cri pod lifecycle") {
  TEST_CASE("a pod gets namespaces, a network, /dev/shm and its files; stop releases them once, remove forgets it") {
    LifecycleHarness h;
    const auto id = h.runPod("web");
    const auto pod = h.state.pod(id);
    REQUIRE(pod);
    CHECK(pod->state == PodState::Ready);
    CHECK(pod->network == "fake-net");
    CHECK(pod->ips.size() == 1);
    CHECK(pod->netnsPath == "/fake/netns/" + id);
    CHECK(std::filesystem::exists(pod->hostnamePath));
    CHECK(h.sandbox.shmMounts() == 1);
    const auto ctr = h.runContainer(id, "app");

    h.pods.stop(id);
    h.pods.stop(id);  // idempotent
    CHECK(h.state.pod(id)->state == PodState::NotReady);
    CHECK(h.containers.status(ctr).state == ContainerState::Exited);
    CHECK(h.sandbox.detaches() == 1);
    CHECK(h.sandbox.holders().empty());
    CHECK(h.sandbox.shmMounts() == 0);
    CHECK(test::errorOf([&] { h.createContainer(id, "late"); }).code() == StatusCode::FailedPrecondition);

    h.pods.remove(id);
    CHECK_FALSE(h.state.pod(id));
    CHECK(h.state.containers().empty());
    CHECK(h.oci.ids().empty());
    CHECK(h.images.rootfs().empty());
    CHECK_FALSE(std::filesystem::exists(h.state.layout().podDir(id)));
    CHECK_NOTHROW(h.pods.remove(id));
    CHECK_NOTHROW(h.pods.stop("no-such-pod"));
  }

  TEST_CASE("a failing CNI ADD undoes the pod: namespaces released, no record, no directory, the name free") {
    LifecycleHarness h;
    h.sandbox.failAttach = true;
    const auto err = test::errorOf([&] { h.runPod("web"); });
    CHECK(err.code() == StatusCode::FailedPrecondition);
    CHECK(std::string(err.what()).find("CNI ADD") != std::string::npos);
    CHECK(h.state.pods().empty());
    CHECK(h.sandbox.holders().empty());
    CHECK(h.sandbox.shmMounts() == 0);
    CHECK(std::filesystem::is_empty(h.state.layout().podsDir()));
    h.sandbox.failAttach = false;
    CHECK_NOTHROW(h.runPod("web"));
  }

  TEST_CASE("with an infra container: the pause image is pulled once, created and started; its exit makes the pod NotReady") {
    LifecycleHarness h(/*dropInfra=*/false);
    const auto id = h.runPod("web");
    const auto second = h.runPod("api");
    CHECK(h.images.pulls() == std::vector<std::string>{h.config.snapshot()->image.pause_image});
    const auto pod = h.state.pod(id);
    REQUIRE_FALSE(pod->infraContainerId.empty());
    const auto infra = h.containers.status(pod->infraContainerId);
    CHECK(infra.infra);
    CHECK(infra.state == ContainerState::Running);
    CHECK(h.pods.observed(*pod).state == PodState::Ready);
    h.oci.exit(infra.id, 2);
    CHECK(h.pods.observed(*h.state.pod(id)).state == PodState::NotReady);
    h.pods.remove(id);
    h.pods.remove(second);
    CHECK(h.oci.ids().empty());
    CHECK(h.images.rootfs().empty());
  }

  TEST_CASE("a pod infra container that fails to start fails the pod, and nothing is left") {
    LifecycleHarness h(/*dropInfra=*/false);
    h.oci.failStart = true;
    CHECK(test::errorOf([&] { h.runPod("web"); }).code() == StatusCode::Unknown);
    CHECK(h.leftovers() == "");
  }

  TEST_CASE("one teardown at a time: a second StopPodSandbox waits for the CNI DEL in flight; other pods do not") {
    LifecycleHarness h;
    const auto slow = h.runPod("slow");
    const auto other = h.runPod("other");
    h.sandbox.detachGate.close();
    auto first = std::async(std::launch::async, [&] { h.pods.stop(slow); });
    const LifecycleHarness::Unblocker unblock_first(h);
    REQUIRE(h.sandbox.detachGate.awaitEntered());
    CHECK(h.state.podActivity(slow) == Activity::Stopping);
    auto second = std::async(std::launch::async, [&] { h.pods.stop(slow); });
    const LifecycleHarness::Unblocker unblock_second(h);
    std::this_thread::sleep_for(100ms);
    CHECK_FALSE(ready(second));
    // Reads and another pod's life go on meanwhile.
    CHECK(h.state.pod(slow)->state == PodState::NotReady);
    CHECK(h.state.pods().size() == 2);
    h.runContainer(other, "app");
    auto otherStop = std::async(std::launch::async, [&] { h.pods.stop(other); });
    const LifecycleHarness::Unblocker unblock_otherStop(h);
    REQUIRE(h.sandbox.detachGate.awaitEntered(2));  // its DEL runs beside ours

    h.sandbox.detachGate.open();
    REQUIRE(ready(first, 10s));
    REQUIRE(ready(second, 10s));
    REQUIRE(ready(otherStop, 10s));
    CHECK_NOTHROW(first.get());
    CHECK_NOTHROW(second.get());
    CHECK_NOTHROW(otherStop.get());
    CHECK(h.sandbox.holders().empty());
  }

  TEST_CASE("a pod stop kills what still runs: the kubelet gave it its grace period already") {
    LifecycleHarness h;
    const auto id = h.runPod("web");
    h.oci.nextIgnoresStopSignal = true;
    const auto ctr = h.runContainer(id, "stubborn");
    h.pods.stop(id);
    const auto record = h.containers.status(ctr);
    CHECK(record.state == ContainerState::Exited);
    CHECK(record.exitCode == 137);
    CHECK(h.oci.state(ctr) == FakeOciBackend::State::Exited);
  }
}

}  // namespace crix::cri

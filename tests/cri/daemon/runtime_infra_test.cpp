// Pods with an infra container (crio.conf drop_infra_ctr = false): the
// container runs pause_command from pause_image, holds the pod's shared PID
// namespace, stays out of ListContainers and goes with its pod.
#include <doctest/doctest.h>
#include <grpcpp/grpcpp.h>

#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;

TEST_SUITE("runtime-infra") {

TEST_CASE("an infra container holds the pod's PID namespace and goes with the pod") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env(std::string("[crio.runtime]\ndrop_infra_ctr = false\n[crio.image]\npause_image = \"") + kBusybox +
                 "\"\npause_command = \"/pause\"\n");
  auto config = env.podConfig("infra");
  config.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::POD);
  const auto pod = env.runPod(config);

  v1::PodSandboxStatusResponse status;
  REQUIRE(env.tryPodStatus(pod, &status, true).ok());
  const auto info = nlohmann::json::parse(status.info().at("info"));
  const std::string infra = info.value("infraContainerId", "");
  REQUIRE_FALSE(infra.empty());
  CHECK(info.value("pausePid", 0) == 0);  // no pause process beside it
  CHECK(env.runcStatus(infra) == "running");
  CHECK(env.listContainers().empty());

  auto app = RuntimeEnv::containerConfig("app", {"sleep", "1000"});
  app.mutable_linux()->mutable_security_context()->mutable_namespace_options()->set_pid(v1::POD);
  const auto ctr = env.runContainer(pod, app, config);
  CHECK(env.listContainers().size() == 1);
  // The infra container's /pause is PID 1 of the pod.
  const auto init = env.execOut(ctr, {"cat", "/proc/1/cmdline"});
  CHECK_MESSAGE(init.find("/pause") != std::string::npos, init);

  // A pod whose infra container is gone is not ready, as with CRI-O.
  REQUIRE(runProcess({"/usr/sbin/runc", "--root", env.daemon().runcRoot(), "kill", infra, "KILL"}).exitCode == 0);
  for (int i = 0; i < 200 && env.podStatus(pod).state() == v1::SANDBOX_READY; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  CHECK(env.podStatus(pod).state() == v1::SANDBOX_NOTREADY);
  // Pod stats agree: a pod that is not ready is not listed.
  {
    v1::ListPodSandboxStatsResponse stats;
    const auto listed =
        env.daemon().runtimeClient()->ListPodSandboxStats(deadlineContext().get(), v1::ListPodSandboxStatsRequest(), &stats);
    REQUIRE_MESSAGE(listed.ok(), listed.error_message());
    for (const auto& s : stats.stats()) CHECK(s.attributes().id() != pod);
  }

  REQUIRE(env.stopPod(pod).ok());
  CHECK(env.runcStatus(infra) != "running");
  REQUIRE(env.removePod(pod).ok());
  CHECK(env.runcStatus(infra).empty());
}

TEST_CASE("a pod whose pause image cannot be had fails whole, leaving nothing") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env(
      "[crio.runtime]\ndrop_infra_ctr = false\n[crio.image]\npause_image = \"127.0.0.1:1/absent/pause:1\"\n");
  std::string id;
  const auto s = env.tryRunPod(env.podConfig("no-pause"), &id);
  CHECK_FALSE(s.ok());
  CHECK(env.listPods().empty());
  // The name was freed: a retry fails for the image again, not for the name.
  const auto again = env.tryRunPod(env.podConfig("no-pause"), &id);
  CHECK(again.error_code() != grpc::StatusCode::OK);
  CHECK(again.error_code() != grpc::StatusCode::ALREADY_EXISTS);
}

}  // TEST_SUITE

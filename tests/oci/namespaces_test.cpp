#include <doctest/doctest.h>

#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using testing::namespaceOf;

namespace {

void setPidMode(testing::SpecFixture& f, runtime::v1::NamespaceMode mode) {
  f.security().mutable_namespace_options()->set_pid(mode);
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci namespaces: containers join the pod's pinned namespaces") {
  testing::SpecFixture f;
  f.pod.namespacePaths = {{NamespaceKind::Network, "/var/run/netns/p"},
                          {NamespaceKind::Ipc, "/var/run/ipcns/p"},
                          {NamespaceKind::Uts, "/var/run/utsns/p"}};
  setPidMode(f, runtime::v1::CONTAINER);
  const auto spec = f.build();
  CHECK(namespaceOf(spec, "mount") == nlohmann::json{{"type", "mount"}});
  CHECK(namespaceOf(spec, "network")["path"] == "/var/run/netns/p");
  CHECK(namespaceOf(spec, "ipc")["path"] == "/var/run/ipcns/p");
  CHECK(namespaceOf(spec, "uts")["path"] == "/var/run/utsns/p");
  CHECK(namespaceOf(spec, "pid") == nlohmann::json{{"type", "pid"}});
  CHECK(namespaceOf(spec, "user").is_null());
  CHECK(namespaceOf(spec, "cgroup").is_null());  // cgroup v1 host
  CHECK(spec["hostname"] == "web-0");
}

TEST_CASE("oci namespaces: without pinned ones, new namespaces") {
  testing::SpecFixture f;
  const auto spec = f.build();
  CHECK(namespaceOf(spec, "network") == nlohmann::json{{"type", "network"}});
  CHECK(namespaceOf(spec, "uts") == nlohmann::json{{"type", "uts"}});
}

TEST_CASE("oci namespaces: the node's network means the node's UTS and no hostname") {
  testing::SpecFixture f;
  f.pod.hostNetwork = true;
  f.pod.hostname = "node-1";
  const auto spec = f.build();
  CHECK(namespaceOf(spec, "network").is_null());
  CHECK(namespaceOf(spec, "uts").is_null());
  CHECK_FALSE(spec.contains("hostname"));
  CHECK(testing::contains(testing::strings(spec["process"]["env"]), "HOSTNAME=node-1"));
}

TEST_CASE("oci namespaces: the node's IPC") {
  testing::SpecFixture f;
  f.pod.hostIpc = true;
  CHECK(namespaceOf(f.build(), "ipc").is_null());
}

TEST_CASE("oci namespaces: PID modes") {
  testing::SpecFixture f;
  f.pod.namespacePaths[NamespaceKind::Pid] = "/var/run/pidns/p";
  SUBCASE("POD joins the pod's") {
    setPidMode(f, runtime::v1::POD);
    CHECK(namespaceOf(f.build(), "pid")["path"] == "/var/run/pidns/p");
  }
  SUBCASE("POD without a pinned one gets its own") {
    f.pod.namespacePaths.clear();
    setPidMode(f, runtime::v1::POD);
    CHECK(namespaceOf(f.build(), "pid") == nlohmann::json{{"type", "pid"}});
  }
  SUBCASE("CONTAINER gets its own") {
    setPidMode(f, runtime::v1::CONTAINER);
    CHECK(namespaceOf(f.build(), "pid") == nlohmann::json{{"type", "pid"}});
  }
  SUBCASE("NODE, or a hostPid pod, uses the node's") {
    setPidMode(f, runtime::v1::NODE);
    CHECK(namespaceOf(f.build(), "pid").is_null());
    setPidMode(f, runtime::v1::CONTAINER);
    f.pod.hostPid = true;
    CHECK(namespaceOf(f.build(), "pid").is_null());
  }
  SUBCASE("TARGET joins the target container's") {
    setPidMode(f, runtime::v1::TARGET);
    f.security().mutable_namespace_options()->set_target_id("other");
    testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                          "needs the namespace of target container other");
    f.ctr.targetPidNamespacePath = "/proc/4242/ns/pid";
    CHECK(namespaceOf(f.build(), "pid")["path"] == "/proc/4242/ns/pid");
  }
}

TEST_CASE("oci namespaces: a cgroup namespace on cgroup v2") {
  testing::SpecFixture f;
  f.host.cgroupV2 = true;
  CHECK(namespaceOf(f.build(), "cgroup") == nlohmann::json{{"type", "cgroup"}});
}

TEST_CASE("oci namespaces: pod user namespaces are not supported yet") {
  testing::SpecFixture f;
  auto* userns = f.security().mutable_namespace_options()->mutable_userns_options();
  userns->set_mode(runtime::v1::NODE);
  CHECK_NOTHROW(f.build());
  userns->set_mode(runtime::v1::POD);
  testing::requireError([&] { f.build(); }, StatusCode::Unimplemented, "user namespaces");
}

TEST_SUITE_END();

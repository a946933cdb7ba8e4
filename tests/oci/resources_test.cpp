#include <doctest/doctest.h>

#include "oci/Resources.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci resources: CPU and memory map onto linux.resources") {
  testing::SpecFixture f;
  auto& r = f.resources();
  r.set_cpu_shares(512);
  r.set_cpu_quota(50000);
  r.set_cpu_period(100000);
  r.set_cpuset_cpus("0-1,3");
  r.set_cpuset_mems("0");
  r.set_memory_limit_in_bytes(256 << 20);
  const auto res = f.build()["linux"]["resources"];
  CHECK(
      res["cpu"] ==
      nlohmann::json{
          {"shares", 512}, {"quota", 50000}, {"period", 100000}, {"cpus", "0-1,3"}, {"mems", "0"}});
  CHECK(res["memory"]["limit"] == 256 << 20);
}

TEST_CASE("oci resources: unset values stay out") {
  testing::SpecFixture f;
  const auto res = f.build()["linux"]["resources"];
  CHECK_FALSE(res.contains("cpu"));
  CHECK_FALSE(res.contains("memory"));
  CHECK_FALSE(f.build()["process"].contains("oomScoreAdj"));
}

TEST_CASE("oci resources: swap follows the memory limit unless given") {
  testing::SpecFixture f;
  f.resources().set_memory_limit_in_bytes(64 << 20);
  CHECK(f.build()["linux"]["resources"]["memory"]["swap"] == 64 << 20);
  f.resources().set_memory_swap_limit_in_bytes(128 << 20);
  CHECK(f.build()["linux"]["resources"]["memory"]["swap"] == 128 << 20);
  f.resources().set_memory_swap_limit_in_bytes(32 << 20);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "memory_swap_limit_in_bytes 33554432 is below memory_limit_in_bytes");
  f.resources().set_memory_swap_limit_in_bytes(128 << 20);
  f.host.swapLimitSupported = false;
  CHECK_FALSE(f.build()["linux"]["resources"]["memory"].contains("swap"));
}

TEST_CASE("oci resources: memory floor, from the runtime handler or CRI-O's 12 MiB") {
  testing::SpecFixture f;
  f.resources().set_memory_limit_in_bytes(4 << 20);
  testing::requireError(
      [&] { f.build(); }, StatusCode::InvalidArgument,
      "memory_limit_in_bytes 4194304 is too low; a container needs at least 12582912 bytes");
  f.cfg.runtime.runtimes["runc"].container_min_memory.bytes = 1 << 20;
  CHECK(f.build()["linux"]["resources"]["memory"]["limit"] == 4 << 20);
}

TEST_CASE("oci resources: hugepages only where the controller exists") {
  testing::SpecFixture f;
  auto* h = f.resources().add_hugepage_limits();
  h->set_page_size("2MB");
  h->set_limit(4 << 21);
  CHECK(f.build()["linux"]["resources"]["hugepageLimits"] ==
        nlohmann::json::array({{{"pageSize", "2MB"}, {"limit", 4 << 21}}}));
  f.host.hugetlbController = false;
  CHECK_FALSE(f.build()["linux"]["resources"].contains("hugepageLimits"));
  h->set_page_size("2 megs");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument, "page_size \"2 megs\"");
}

TEST_CASE("oci resources: unified needs cgroup v2") {
  testing::SpecFixture f;
  (*f.resources().mutable_unified())["memory.high"] = "100M";
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "unified cgroup settings need cgroup v2");
  f.host.cgroupV2 = true;
  CHECK(f.build()["linux"]["resources"]["unified"] == nlohmann::json{{"memory.high", "100M"}});
}

TEST_CASE("oci resources: pids_limit from crio.conf") {
  testing::SpecFixture f;
  CHECK_FALSE(f.build()["linux"]["resources"].contains("pids"));
  f.cfg.runtime.pids_limit = 1024;
  CHECK(f.build()["linux"]["resources"]["pids"]["limit"] == 1024);
  f.host.pidsController = false;
  CHECK_FALSE(f.build()["linux"]["resources"].contains("pids"));
}

TEST_CASE("oci resources: values the kernel would refuse name the field") {
  testing::SpecFixture f;
  f.resources().set_cpu_shares(-1);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "cpu_shares -1 is negative");
  f.resources().set_cpu_shares(0);
  f.resources().set_cpuset_cpus("0-");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument, "cpuset_cpus \"0-\"");
  f.resources().set_cpuset_cpus("");
  f.resources().set_oom_score_adj(1001);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument, "oom_score_adj 1001");
  f.resources().set_oom_score_adj(-998);
  CHECK(f.build()["process"]["oomScoreAdj"] == -998);
}

TEST_CASE("oci resources: cgroupsPath for cgroupfs and systemd") {
  CHECK(cgroupsPath("cgroupfs", "", "abc") == "/crix/crix-abc");
  CHECK(cgroupsPath("cgroupfs", "/kubepods/burstable/pod1/", "abc") ==
        "/kubepods/burstable/pod1/crix-abc");
  CHECK(cgroupsPath("cgroupfs", "kubepods", "abc") == "/kubepods/crix-abc");
  CHECK(cgroupsPath("systemd", "", "abc") == "system.slice:crix:abc");
  CHECK(cgroupsPath("systemd", "kubepods-burstable-pod1.slice", "abc") ==
        "kubepods-burstable-pod1.slice:crix:abc");
  testing::requireError([] { cgroupsPath("systemd", "/kubepods/pod1", "abc"); },
                        StatusCode::InvalidArgument, "is not a systemd slice name");

  testing::SpecFixture f;
  f.pod.config.mutable_linux()->set_cgroup_parent("/kubepods/besteffort/podX");
  CHECK(f.build()["linux"]["cgroupsPath"] == "/kubepods/besteffort/podX/crix-ctr4567");
  f.pod.cgroupParent = "/daemon-chosen";
  CHECK(f.build()["linux"]["cgroupsPath"] == "/daemon-chosen/crix-ctr4567");
}

TEST_SUITE_END();

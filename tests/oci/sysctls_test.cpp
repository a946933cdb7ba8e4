#include <doctest/doctest.h>

#include "oci/Sysctls.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using Map = std::map<std::string, std::string>;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci sysctls: which are namespaced") {
  CHECK(sysctlNamespace("net.ipv4.ip_forward") == SysctlNamespace::Network);
  CHECK(sysctlNamespace("kernel.shm_rmid_forced") == SysctlNamespace::Ipc);
  CHECK(sysctlNamespace("fs.mqueue.msg_max") == SysctlNamespace::Ipc);
  CHECK_FALSE(sysctlNamespace("kernel.panic"));
  CHECK_FALSE(sysctlNamespace("vm.swappiness"));
  CHECK_FALSE(sysctlNamespace("kernel.shm_next_id_x"));
}

TEST_CASE("oci sysctls: slash-separated names") {
  CHECK(canonicalSysctlName("net/ipv4/conf/eth0.100/rp_filter") ==
        "net.ipv4.conf.eth0/100.rp_filter");
  CHECK(canonicalSysctlName("net.ipv4.ip_forward") == "net.ipv4.ip_forward");
}

TEST_CASE("oci sysctls: the pod's reach the spec, over crio.conf's defaults") {
  testing::SpecFixture f;
  f.cfg.runtime.default_sysctls = {"net.ipv4.ping_group_range=0 0", "net.core.somaxconn=128"};
  auto& sysctls = *f.pod.config.mutable_linux()->mutable_sysctls();
  sysctls["net.core.somaxconn"] = "1024";
  sysctls["kernel.shm_rmid_forced"] = "1";
  CHECK(f.build()["linux"]["sysctl"] == nlohmann::json{{"kernel.shm_rmid_forced", "1"},
                                                       {"net.core.somaxconn", "1024"},
                                                       {"net.ipv4.ping_group_range", "0 0"}});
}

TEST_CASE("oci sysctls: host-level ones are refused") {
  testing::requireError(
      [] {
        containerSysctls({}, Map{{"kernel.panic", "1"}}, {});
      },
      StatusCode::InvalidArgument, "sysctl \"kernel.panic\" is not namespaced");
  testing::requireError(
      [] {
        containerSysctls({}, Map{{"net.ipv4.ip_forward", "1"}}, {true, false});
      },
      StatusCode::InvalidArgument, "uses the node's network namespace");
  testing::requireError(
      [] {
        containerSysctls({}, Map{{"kernel.sem", "1 2 3 4"}}, {false, true});
      },
      StatusCode::InvalidArgument, "uses the node's IPC namespace");
}

TEST_CASE("oci sysctls: defaults that do not fit the pod are skipped") {
  const auto out = containerSysctls(
      {"net.ipv4.ip_forward=1", "vm.swappiness=1", "kernel.sem=1 2 3 4"}, {}, {true, false});
  CHECK(out == Map{{"kernel.sem", "1 2 3 4"}});
}

TEST_SUITE_END();

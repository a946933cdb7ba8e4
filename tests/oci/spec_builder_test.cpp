#include <doctest/doctest.h>

#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci spec: the whole shape of a plain container") {
  testing::SpecFixture f;
  f.ctr.config.set_tty(true);
  f.security().set_no_new_privs(true);
  const auto spec = f.build();
  CHECK(spec["ociVersion"] == "1.0.2-dev");
  CHECK(spec["root"] == nlohmann::json{{"path", f.rootfs()}, {"readonly", false}});
  CHECK(spec["hostname"] == "web-0");
  CHECK(spec["process"]["terminal"] == true);
  CHECK(spec["process"]["noNewPrivileges"] == true);
  CHECK(spec["process"]["args"] == nlohmann::json{"/bin/sh"});
  CHECK(spec["process"]["cwd"] == "/");
  CHECK(spec["process"]["user"] == nlohmann::json{{"uid", 0}, {"gid", 0}, {"additionalGids", {0}}});
  CHECK(spec["linux"]["cgroupsPath"] == "/crix/crix-ctr4567");
  CHECK(testing::strings(spec["process"]["capabilities"]["bounding"]) ==
        std::vector<std::string>{"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID",
                                 "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP",
                                 "CAP_NET_BIND_SERVICE"});
  // No profile named: unconfined, as CRI defines it.
  CHECK_FALSE(spec["linux"].contains("seccomp"));
  CHECK(spec["linux"].contains("maskedPaths"));
  f.cfg.runtime.seccomp_use_default_when_empty = true;
  CHECK(f.build()["linux"]["seccomp"]["defaultAction"] == "SCMP_ACT_ERRNO");
}

TEST_CASE("oci spec: requests the daemon must not pass on") {
  testing::SpecFixture f;
  f.ctr.rootfsPath = "relative/rootfs";
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument, "is not an absolute path");
  testing::SpecFixture g;
  g.ctr.config.mutable_metadata()->clear_name();
  testing::requireError([&] { g.build(); }, StatusCode::InvalidArgument, "no metadata.name");
  testing::SpecFixture h;
  h.ctr.containerId.clear();
  testing::requireError([&] { h.build(); }, StatusCode::InvalidArgument, "container ID is empty");
}

TEST_CASE("oci spec: a bad request creates nothing on the host") {
  testing::SpecFixture f;
  f.ctr.image.config.workingDir = "/made-too-early";
  f.addMount(f.dir.path() + "/should-not-exist", "/data");
  f.security().mutable_capabilities()->add_add_capabilities("CAP_FLY");
  CHECK_THROWS_AS(f.build(), Error);
  CHECK_FALSE(std::filesystem::exists(f.dir.path() + "/should-not-exist"));
  CHECK_FALSE(std::filesystem::exists(f.rootfs() + "/made-too-early"));
}

TEST_CASE("oci spec: the default HostFacts overload probes this host") {
  testing::SpecFixture f;
  f.security().mutable_seccomp()->set_profile_type(runtime::v1::SecurityProfile::RuntimeDefault);
  const auto spec = buildRuntimeSpec(f.cfg, f.pod, f.ctr);
  CHECK(spec["linux"]["seccomp"].contains("syscalls"));
  CHECK(HostFacts::current().bounding == CapabilitySet::hostBounding());
}

TEST_SUITE_END();

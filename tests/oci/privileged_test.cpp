#include <doctest/doctest.h>

#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci privileged: every capability of the bounding set, and no more") {
  testing::SpecFixture f;
  f.makePrivileged();
  f.host.bounding =
      CapabilitySet::fromMask(0x000001fffeffffffULL);  // this CI host: no SYS_RESOURCE
  f.security().mutable_capabilities()->add_drop_capabilities("ALL");  // ignored when privileged
  const auto caps = f.build()["process"]["capabilities"];
  for (const char* set : {"bounding", "effective", "permitted"}) {
    CHECK(testing::strings(caps[set]) == f.host.bounding.names());
  }
  CHECK_FALSE(testing::contains(testing::strings(caps["bounding"]), "CAP_SYS_RESOURCE"));
}

TEST_CASE("oci privileged: no seccomp, no AppArmor, no masked or read-only paths") {
  testing::SpecFixture f;
  f.makePrivileged();
  f.host.appArmorEnabled = true;
  const auto spec = f.build();
  CHECK_FALSE(spec["linux"].contains("seccomp"));
  CHECK_FALSE(spec["linux"].contains("maskedPaths"));
  CHECK_FALSE(spec["linux"].contains("readonlyPaths"));
  CHECK_FALSE(spec["process"].contains("apparmorProfile"));
}

TEST_CASE("oci privileged: /sys and /sys/fs/cgroup are writable") {
  testing::SpecFixture f;
  CHECK(testing::contains(testing::strings(testing::mountAt(f.build(), "/sys")["options"]), "ro"));
  f.makePrivileged();
  const auto spec = f.build();
  for (const char* dest : {"/sys", "/sys/fs/cgroup"}) {
    const auto options = testing::strings(testing::mountAt(spec, dest)["options"]);
    CHECK(testing::contains(options, "rw"));
    CHECK_FALSE(testing::contains(options, "ro"));
  }
}

TEST_CASE("oci privileged: the host's devices, all allowed") {
  testing::SpecFixture f;
  f.makePrivileged();
  const auto spec = f.build();
  bool hasNull = false;
  for (const auto& d : spec["linux"]["devices"]) {
    if (d["path"] == "/dev/null") hasNull = d["type"] == "c" && d["major"] == 1 && d["minor"] == 3;
    CHECK(d["path"] != "/dev/console");
    CHECK(d["path"].get<std::string>().rfind("/dev/pts/", 0) != 0);
  }
  CHECK(hasNull);
  CHECK(spec["linux"]["resources"]["devices"] ==
        nlohmann::json::array({{{"allow", true}, {"access", "rwm"}}}));
}

TEST_CASE("oci privileged: privileged_without_host_devices keeps host devices out") {
  testing::SpecFixture f;
  f.makePrivileged();
  f.cfg.runtime.runtimes["runc"].privileged_without_host_devices = true;
  const auto spec = f.build();
  CHECK(spec["linux"]["devices"].empty());
  CHECK(spec["linux"]["resources"]["devices"][0]["allow"] == true);
}

TEST_CASE("oci privileged: refused in a pod that is not privileged") {
  testing::SpecFixture f;
  f.security().set_privileged(true);
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "is privileged but its pod is not");
}

TEST_SUITE_END();

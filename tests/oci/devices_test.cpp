#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <doctest/doctest.h>

#include <filesystem>

#include "oci/Devices.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
namespace fs = std::filesystem;

namespace {

runtime::v1::Device& addDevice(testing::SpecFixture& f, const std::string& host,
                               const std::string& container, const std::string& perms) {
  auto* d = f.ctr.config.add_devices();
  d->set_host_path(host);
  d->set_container_path(container);
  d->set_permissions(perms);
  return *d;
}

}  // namespace

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci devices: unprivileged containers start from deny-all") {
  testing::SpecFixture f;
  const auto spec = f.build();
  CHECK(spec["linux"]["devices"].empty());
  CHECK(spec["linux"]["resources"]["devices"] ==
        nlohmann::json::array({{{"allow", false}, {"access", "rwm"}}}));
}

TEST_CASE("oci devices: a CRI device becomes a node and an allow rule") {
  testing::SpecFixture f;
  addDevice(f, "/dev/null", "/dev/mynull", "rw");
  const auto spec = f.build();
  REQUIRE(spec["linux"]["devices"].size() == 1);
  const auto d = spec["linux"]["devices"][0];
  CHECK(d["path"] == "/dev/mynull");
  CHECK(d["type"] == "c");
  CHECK(d["major"] == 1);
  CHECK(d["minor"] == 3);
  CHECK(d["fileMode"] == 0666);
  CHECK(
      spec["linux"]["resources"]["devices"][1] ==
      nlohmann::json{{"allow", true}, {"type", "c"}, {"major", 1}, {"minor", 3}, {"access", "rw"}});
}

TEST_CASE("oci devices: permissions default to rwm; others must be r, w, m") {
  testing::SpecFixture f;
  addDevice(f, "/dev/zero", "/dev/zero", "");
  CHECK(f.build()["linux"]["resources"]["devices"][1]["access"] == "rwm");
  f.ctr.config.clear_devices();
  addDevice(f, "/dev/zero", "/dev/zero", "rx");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "permissions \"rx\" must be made of r, w and m");
}

TEST_CASE("oci devices: missing or non-device paths are clear errors") {
  testing::SpecFixture f;
  addDevice(f, "/dev/no-such-device", "/dev/x", "rwm");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "device /dev/no-such-device cannot be used");
  f.ctr.config.clear_devices();
  testing::writeText(f.dir.path() + "/plain", "x");
  addDevice(f, f.dir.path() + "/plain", "/dev/x", "rwm");
  testing::requireError([&] { f.build(); }, StatusCode::InvalidArgument,
                        "neither a device node nor a directory");
}

TEST_CASE("oci devices: a directory contributes the device nodes below it") {
  testing::SpecFixture f;
  const std::string dir = f.dir.path() + "/devdir";
  fs::create_directories(dir + "/sub");
  REQUIRE(::mknod((dir + "/sub/null").c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0);
  addDevice(f, dir, "/dev/mine", "r");
  const auto spec = f.build();
  REQUIRE(spec["linux"]["devices"].size() == 1);
  CHECK(spec["linux"]["devices"][0]["path"] == "/dev/mine/sub/null");
  CHECK(spec["linux"]["resources"]["devices"][1]["access"] == "r");
}

TEST_CASE("oci devices: crio.conf additional_devices") {
  testing::SpecFixture f;
  f.cfg.runtime.additional_devices = {"/dev/null:/dev/extra:r", "/dev/zero"};
  const auto spec = f.build();
  REQUIRE(spec["linux"]["devices"].size() == 2);
  CHECK(spec["linux"]["devices"][0]["path"] == "/dev/extra");
  CHECK(spec["linux"]["devices"][1]["path"] == "/dev/zero");
  CHECK(spec["linux"]["resources"]["devices"][1]["access"] == "r");
  CHECK(spec["linux"]["resources"]["devices"][2]["access"] == "rwm");
  f.cfg.runtime.additional_devices = {"/dev/absent"};
  testing::requireError([&] { f.build(); }, StatusCode::FailedPrecondition,
                        "crio.runtime.additional_devices");
}

TEST_CASE("oci devices: ownership from the security context when configured") {
  testing::SpecFixture f;
  addDevice(f, "/dev/null", "/dev/null2", "rw");
  f.security().mutable_run_as_user()->set_value(1000);
  CHECK(f.build()["linux"]["devices"][0]["uid"] == 0);
  f.cfg.runtime.device_ownership_from_security_context = true;
  CHECK(f.build()["linux"]["devices"][0]["uid"] == 1000);
}

TEST_CASE("oci devices: the host's device list skips pts, shm and console") {
  const auto devices = hostDevices("/dev");
  bool sawNull = false;
  for (const auto& d : devices) {
    CHECK(d.path != "/dev/console");
    CHECK(d.path.rfind("/dev/pts/", 0) != 0);
    sawNull = sawNull || d.path == "/dev/null";
  }
  CHECK(sawNull);
}

TEST_SUITE_END();

#include <doctest/doctest.h>

#include "oci/SystemPaths.h"
#include "tests/oci/OciTestSupport.h"

using namespace crix;
using namespace crix::oci;
using V = std::vector<std::string>;

TEST_SUITE_BEGIN("oci");

TEST_CASE("oci masked paths: containers-common's defaults") {
  testing::SpecFixture f;
  const auto spec = f.build();
  CHECK(testing::strings(spec["linux"]["maskedPaths"]) == defaultMaskedPaths());
  CHECK(testing::strings(spec["linux"]["readonlyPaths"]) == defaultReadonlyPaths());
  CHECK(testing::contains(defaultMaskedPaths(), "/proc/kcore"));
  CHECK(testing::contains(defaultMaskedPaths(), "/sys/firmware"));
  CHECK(testing::contains(defaultReadonlyPaths(), "/proc/sys"));
  CHECK(testing::contains(defaultReadonlyPaths(), "/proc/sysrq-trigger"));
}

TEST_CASE("oci masked paths: the request's lists replace the defaults") {
  testing::SpecFixture f;
  f.security().add_masked_paths("/proc/secret");
  const auto spec = f.build();
  CHECK(testing::strings(spec["linux"]["maskedPaths"]) == V{"/proc/secret"});
  CHECK(testing::strings(spec["linux"]["readonlyPaths"]) == defaultReadonlyPaths());
  f.security().add_readonly_paths("/proc/ro");
  CHECK(testing::strings(f.build()["linux"]["readonlyPaths"]) == V{"/proc/ro"});
}

TEST_CASE("oci masked paths: none for a privileged container") {
  runtime::v1::LinuxContainerSecurityContext sc;
  sc.add_masked_paths("/proc/secret");
  const auto paths = systemPaths(sc, true);
  CHECK(paths.masked.empty());
  CHECK(paths.readonly.empty());
}

TEST_SUITE_END();

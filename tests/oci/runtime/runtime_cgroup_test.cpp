// runc update and cgroup statistics of a running container (real runc).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/CgroupStats.h"
#include "tests/oci/runtime/MonitoredContainer.h"
#include "tests/support/Subprocess.h"

using namespace crix;
using namespace crix::oci;
using namespace crix::oci::testing;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("oci-runtime");

TEST_CASE("runtime: update changes the memory limit in the container's cgroup") {
  MonitoredContainer c("sleep 300");
  c.run();
  const std::uint64_t limit = 96ull * 1024 * 1024;
  c.runtime.update(c.bundle.id(), {{"memory", {{"limit", limit}}}});
  const std::string file = cgroupV2Unified()
                               ? cgroupDir("", c.cgroupsPath()) + "/memory.max"
                               : cgroupDir("memory", c.cgroupsPath()) + "/memory.limit_in_bytes";
  CHECK(std::stoull(test::readFile(file)) == limit);

  try {
    c.runtime.update(c.bundle.id(), {{"memory", {{"limit", "not a number"}}}});
    FAIL("update with a bad resources object succeeded");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("updating resources for container") != std::string::npos);
  }
}

TEST_CASE("runtime: cgroup stats of a running container") {
  // Burns some CPU and touches 8 MiB of memory, then waits.
  MonitoredContainer c(
      "i=0; while [ $i -lt 30000 ]; do i=$((i+1)); done; "
      "head -c 8388608 /dev/zero > /tmp/fill; echo ready; sleep 300 & wait");
  c.run();
  REQUIRE(waitUntil([&] { return c.log().find("F ready") != std::string::npos; }, 30s));
  const CgroupStats s = readCgroupStats(c.cgroupsPath());
  CHECK(s.timestampNanos > 0);
  CHECK(s.cpuUsageCoreNanos > 1000000);  // over 1 ms of CPU
  CHECK(s.memoryUsageBytes > 0);
  CHECK(s.memoryWorkingSetBytes <= s.memoryUsageBytes);
  CHECK(s.rssBytes > 0);
  CHECK(s.pageFaults > 0);
  REQUIRE(s.pids.has_value());
  CHECK(*s.pids >= 2);  // sh and sleep

  try {
    readCgroupStats("/crix-oci-test/no-such-cgroup");
    FAIL("stats of a missing cgroup");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::NotFound);
  }
}

TEST_SUITE_END();

// ExecSync through crix-conmon's exec mode in a running container (real runc).
#include <doctest/doctest.h>

#include <csignal>

#include "core/Error.h"
#include "oci/runtime/ExecSync.h"
#include "tests/oci/runtime/MonitoredContainer.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::oci;
using namespace crix::oci::testing;
using namespace std::chrono;

TEST_SUITE_BEGIN("oci-runtime");

TEST_CASE("execSync: output, exit code, timeout and a missing executable") {
  MonitoredContainer c("sleep 300");
  c.spec["process"]["env"].push_back("FROM_SPEC=yes");
  c.run();
  test::TempDir scratch("crix-exec-scratch");
  const auto runtime = testRuntime(c.bundle);
  auto process = [&](std::vector<std::string> cmd, bool tty = false) {
    return execProcessFromSpec(c.spec["process"], cmd, tty);
  };

  SUBCASE("stdout, stderr and the exit code come back; the spec's env applies") {
    const auto r = execSync(runtime, c.bundle.id(),
                            process({"/bin/sh", "-c", "echo out $FROM_SPEC; echo err >&2; exit 7"}),
                            seconds(30), scratch.path());
    CHECK(r.stdoutData == "out yes\n");
    CHECK(r.stderrData == "err\n");
    CHECK(r.exitCode == 7);
    CHECK_FALSE(r.timedOut);
    CHECK_FALSE(r.outputTruncated);
  }
  SUBCASE("with a terminal everything is stdout") {
    const auto r = execSync(runtime, c.bundle.id(),
                            process({"/bin/sh", "-c", "echo $TERM; echo err >&2"}, true),
                            seconds(30), scratch.path());
    CHECK(r.stdoutData.find("xterm") != std::string::npos);
    CHECK(r.stdoutData.find("err") != std::string::npos);
    CHECK(r.stderrData.empty());
    CHECK(r.exitCode == 0);
  }
  SUBCASE("a timeout kills the command and says so") {
    const auto start = steady_clock::now();
    const auto r =
        execSync(runtime, c.bundle.id(), process({"/bin/sh", "-c", "echo started; sleep 60"}),
                 seconds(1), scratch.path());
    CHECK(r.timedOut);
    CHECK(r.exitCode == 128 + SIGKILL);
    CHECK(r.stdoutData == "started\n");
    CHECK(steady_clock::now() - start < seconds(20));
  }
  SUBCASE("an executable that does not exist is an error with runc's words") {
    try {
      execSync(runtime, c.bundle.id(), process({"/no/such/tool"}), seconds(30), scratch.path());
      FAIL("exec succeeded");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::Unknown);
      CHECK_MESSAGE(std::string(e.what()).find("/no/such/tool") != std::string::npos, e.what());
    }
  }
  // The private scratch subdirectories are gone again.
  CHECK(std::filesystem::is_empty(scratch.path()));
}

TEST_SUITE_END();

// Containers started as the daemon starts them: startMonitor (crix-conmon,
// double-forked) and OciRuntime (runc start/kill/state/delete), real runc.
#include <doctest/doctest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>

#include "core/Error.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/ExitFile.h"
#include "tests/oci/runtime/MonitoredContainer.h"
#include "tests/support/Subprocess.h"

using namespace crix;
using namespace crix::oci;
using namespace crix::oci::testing;
using namespace std::chrono_literals;

TEST_SUITE_BEGIN("oci-runtime");

TEST_CASE(
    "runtime: a container runs under crix-conmon, logs in CRI format and leaves an exit file") {
  MonitoredContainer c("echo hello; echo oops >&2; exit 3");
  const MonitorStarted started = c.create();
  CHECK(started.containerPid > 0);
  REQUIRE(started.monitorPid > 0);
  // Double fork: crix-conmon is not the test's child.
  CHECK(parentPid(started.monitorPid) != ::getpid());
  CHECK(test::readFile(c.request.conmonPidFile) == std::to_string(started.monitorPid) + "\n");

  const auto created = c.runtime.state(c.bundle.id());
  REQUIRE(created.has_value());
  CHECK(created->status == "created");
  CHECK(created->pid == started.containerPid);

  c.runtime.start(c.bundle.id());
  REQUIRE(c.waitForExit());
  const auto exit = readExitFile(c.request.exitFile);
  REQUIRE(exit.has_value());
  CHECK(exit->exitCode == 3);
  CHECK(exit->signal == 0);
  CHECK_FALSE(exit->oomKilled);
  CHECK(exit->finishedAtNanos > 0);

  const std::string log = c.log();
  CHECK(log.find(" stdout F hello\n") != std::string::npos);
  CHECK(log.find(" stderr F oops\n") != std::string::npos);
  CHECK(log.size() > 30);
  CHECK(log[4] == '-');  // RFC 3339 timestamp first

  const auto stopped = c.runtime.state(c.bundle.id());
  REQUIRE(stopped.has_value());
  CHECK(stopped->status == "stopped");

  c.runtime.remove(c.bundle.id(), false);
  CHECK_FALSE(c.runtime.state(c.bundle.id()).has_value());
  // Removing what is gone is not an error.
  CHECK_NOTHROW(c.runtime.remove(c.bundle.id(), true));
  // crix-conmon leaves once the exit file is written.
  CHECK(waitUntil([&] { return !processAlive(started.monitorPid); }, 10s));
}

TEST_CASE("runtime: a container with a terminal logs everything as stdout") {
  MonitoredContainer c("echo to-out; echo to-err >&2; [ -t 0 ] && echo is-a-tty");
  c.spec["process"]["terminal"] = true;
  c.request.terminal = true;
  c.run();
  REQUIRE(c.waitForExit());
  CHECK(readExitFile(c.request.exitFile)->exitCode == 0);
  const std::string log = c.log();
  CHECK_MESSAGE(log.find(" stdout F to-err") != std::string::npos, log);
  CHECK_MESSAGE(log.find(" stdout F is-a-tty") != std::string::npos, log);
  CHECK(log.find(" stderr ") == std::string::npos);
}

TEST_CASE("runtime: kill stops a running container with the signal asked for") {
  SUBCASE("SIGTERM, which the entrypoint handles") {
    // pid 1 of a pid namespace has no default action for SIGTERM: the
    // script traps it.
    MonitoredContainer c("trap 'exit 42' TERM; echo ready; while true; do sleep 1; done");
    c.run();
    REQUIRE(waitUntil([&] { return c.log().find("F ready") != std::string::npos; }, 20s));
    const auto running = c.runtime.state(c.bundle.id());
    REQUIRE(running.has_value());
    CHECK(running->status == "running");
    c.runtime.kill(c.bundle.id(), SIGTERM);
    REQUIRE(c.waitForExit(20s));
    CHECK(readExitFile(c.request.exitFile)->exitCode == 42);
  }
  SUBCASE("SIGKILL") {
    MonitoredContainer c("sleep 300");
    c.run();
    c.runtime.kill(c.bundle.id(), SIGKILL, true);
    REQUIRE(c.waitForExit(20s));
    const auto exit = readExitFile(c.request.exitFile);
    CHECK(exit->exitCode == 137);
    CHECK(exit->signal == SIGKILL);
    // Killing a stopped container: FailedPrecondition, not a crash.
    try {
      c.runtime.kill(c.bundle.id(), SIGKILL);
      FAIL("kill of a stopped container succeeded");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::FailedPrecondition);
    }
  }
}

TEST_CASE("runtime: calls on a container runc does not know") {
  RuncBundle b;
  OciRuntime runtime(testRuntime(b));
  CHECK_FALSE(runtime.state("crix-no-such-container").has_value());
  CHECK_NOTHROW(runtime.remove("crix-no-such-container", true));
  try {
    runtime.kill("crix-no-such-container", SIGKILL);
    FAIL("kill succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::NotFound);
    CHECK(std::string(e.what()).find("does not exist") != std::string::npos);
  }
  CHECK_THROWS_AS(runtime.start("crix-no-such-container"), Error);
}

TEST_CASE("runtime: a bad entrypoint fails create with runc's reason and leaves nothing behind") {
  MonitoredContainer c("true");
  c.spec["process"]["args"] = {"/no/such/binary"};
  try {
    c.create();
    FAIL("create succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::Unknown);
    const std::string what = e.what();
    CHECK_MESSAGE(what.find("container create failed") != std::string::npos, what);
    CHECK_MESSAGE(what.find("/no/such/binary") != std::string::npos, what);
  }
  CHECK_FALSE(c.runtime.state(c.bundle.id()).has_value());
  const std::string list = test::runChecked({kRunc, "--root", c.bundle.stateDir(), "list", "-q"});
  CHECK(list.find(c.bundle.id()) == std::string::npos);
  CHECK_FALSE(std::filesystem::exists(c.request.exitFile));
  CHECK_FALSE(std::filesystem::exists(c.request.ctlFifo));
}

TEST_CASE("runtime: crix-conmon that cannot start is reported with its own words") {
  MonitoredContainer c("true");
  SUBCASE("not executable") {
    c.request.runtime.monitorPath = "/no/such/crix-conmon";
    try {
      c.create();
      FAIL("create succeeded");
    } catch (const Error& e) {
      CHECK_MESSAGE(std::string(e.what()).find(
                        "cannot execute /no/such/crix-conmon: No such file") != std::string::npos,
                    e.what());
    }
  }
  SUBCASE("dies without a report") {
    // A monitor that writes to stderr and exits: the error carries its words.
    const std::string fake = c.bundle.dir() + "/fake-conmon";
    test::writeFile(fake, "#!/bin/sh\necho 'fake monitor gave up' >&2\nexit 1\n");
    std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
    c.request.runtime.monitorPath = fake;
    try {
      c.create();
      FAIL("create succeeded");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::Unknown);
      CHECK_MESSAGE(std::string(e.what()).find("fake monitor gave up") != std::string::npos,
                    e.what());
    }
  }
}

namespace {

// Removes the cgroup crix-conmon was put in, once crix-conmon has left it.
struct MonitorCgroupCleanup {
  std::string path;
  int pid = 0;
  ~MonitorCgroupCleanup() {
    if (pid > 0) waitUntil([&] { return !processAlive(pid); }, 15s);
    waitUntil(
        [&] {
          try {
            removeCgroup(path);
            return true;
          } catch (const Error&) {
            return false;
          }
        },
        5s);
    // The parent too, unless another test uses it (rmdir of a non-empty one fails).
    for (const auto& root : cgroupHierarchies()) ::rmdir((root + kCgroupParent).c_str());
  }
};

}  // namespace

TEST_CASE("runtime: crix-conmon goes into a cgroup of its own under the monitor cgroup") {
  // Declared before the container: destroyed after it, once crix-conmon is gone.
  MonitorCgroupCleanup cleanup;
  MonitoredContainer c("sleep 300");
  cleanup.path = resolveMonitorCgroup("pod", kCgroupParent, c.bundle.id());
  c.request.monitorCgroup = cleanup.path;
  const MonitorStarted started = c.run();
  cleanup.pid = started.monitorPid;
  const std::string cgroups =
      test::readFile("/proc/" + std::to_string(started.monitorPid) + "/cgroup");
  for (const char* controller : {":memory:", ":pids:", "::"}) {
    if (cgroupV2Unified() && std::string(controller) != "::") continue;
    CHECK_MESSAGE(cgroups.find(controller + cleanup.path + "\n") != std::string::npos, cgroups);
  }
  // While crix-conmon lives, its cgroup cannot go.
  try {
    removeCgroup(cleanup.path);
    FAIL("removed the cgroup of a live crix-conmon");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::FailedPrecondition);
  }
  c.runtime.kill(c.bundle.id(), SIGKILL);
  REQUIRE(c.waitForExit(20s));
  REQUIRE(waitUntil([&] { return !processAlive(started.monitorPid); }, 10s));
  CHECK_NOTHROW(removeCgroup(cleanup.path));
  for (const auto& root : cgroupHierarchies())
    CHECK_FALSE(std::filesystem::exists(root + cleanup.path));
}

TEST_CASE("runtime: the control FIFO reaches crix-conmon while it runs") {
  MonitoredContainer c("echo one; sleep 2; echo two; sleep 300");
  const MonitorStarted started = c.run();
  REQUIRE(waitUntil([&] { return c.log().find("F one") != std::string::npos; }, 20s));
  // ReopenContainerLog: rename, then ask crix-conmon to open the path again.
  std::filesystem::rename(c.request.logPath, c.request.logPath + ".1");
  // A path crix-conmon cannot open: its reason comes back, the old file stays.
  std::filesystem::create_directory(c.request.logPath);
  try {
    reopenLog(c.request.ctlFifo);
    FAIL("reopen onto a directory succeeded");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::Internal);
    CHECK(std::string(e.what()).find("Is a directory") != std::string::npos);
  }
  std::filesystem::remove(c.request.logPath);
  // Returns once crix-conmon has the new file open.
  reopenLog(c.request.ctlFifo);
  CHECK(std::filesystem::is_regular_file(c.request.logPath));
  resizeTerminal(c.request.ctlFifo, 40, 120);  // ignored without a terminal, but accepted
  REQUIRE(waitUntil([&] { return c.log().find("F two") != std::string::npos; }, 20s));
  CHECK(test::readFile(c.request.logPath + ".1").find("F two") == std::string::npos);

  c.runtime.kill(c.bundle.id(), SIGKILL);
  REQUIRE(c.waitForExit(20s));
  REQUIRE(waitUntil([&] { return !processAlive(started.monitorPid); }, 10s));
  try {
    reopenLog(c.request.ctlFifo);
    FAIL("reopen succeeded without crix-conmon");
  } catch (const Error& e) {
    CHECK((e.code() == StatusCode::NotFound || e.code() == StatusCode::FailedPrecondition));
  }
}

TEST_SUITE_END();

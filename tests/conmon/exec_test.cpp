// crix-conmon exec (ExecSync) in a running container, with the real runc.
#include <doctest/doctest.h>

#include <algorithm>

#include "tests/conmon/ConmonHarness.h"
#include "tests/support/Subprocess.h"

using namespace crix::conmon::test;

namespace {

struct RunningContainer {
  TestContainer c{{{"sleep", "1000"}}};
  RunningContainer() {
    REQUIRE(TestContainer::pidFrom(c.create()) > 0);
    c.start();
    REQUIRE(c.runcState() == "running");
  }
};

}  // namespace

TEST_CASE("exec collects stdout and stderr into files and reports the exit code") {
  RunningContainer r;
  const auto result = r.c.exec({"sh", "-c", "echo out; echo err >&2; exit 5"});
  INFO("report: ", result.report.dump());
  CHECK(result.conmonExitCode == 0);
  CHECK(result.report["exit_code"] == 5);
  CHECK(result.report["signal"] == 0);
  CHECK(result.report["timed_out"] == false);
  CHECK(result.out == "out\n");
  CHECK(result.err == "err\n");
}

TEST_CASE("exec output larger than a pipe buffer arrives whole") {
  RunningContainer r;
  const auto result = r.c.exec({"sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x"});
  CHECK(result.report["exit_code"] == 0);
  CHECK(result.out == std::string(300000, 'x'));
}

TEST_CASE("exec past its timeout kills the process and everything it started") {
  RunningContainer r;
  const auto before = r.c.cgroupProcesses();
  REQUIRE(before.size() == 1);
  const auto started = std::chrono::steady_clock::now();
  const auto result = r.c.exec({"sh", "-c", "sleep 100 & sleep 100 & echo started; sleep 100"}, {"--timeout", "1"});
  const auto took = std::chrono::steady_clock::now() - started;
  INFO("report: ", result.report.dump());
  CHECK(result.conmonExitCode == 0);
  CHECK(result.report["timed_out"] == true);
  CHECK(result.report["exit_code"] == 137);
  CHECK(result.out == "started\n");
  CHECK(took < 10s);
  // Only the container's own process is left.
  CHECK(waitUntil([&] { return r.c.cgroupProcesses() == before; }, 5s));
  CHECK(r.c.runcState() == "running");
}

TEST_CASE("exec whose background child keeps the output open is ended by the timeout") {
  RunningContainer r;
  const auto before = r.c.cgroupProcesses();
  const auto result = r.c.exec({"sh", "-c", "sleep 100 & exit 4"}, {"--timeout", "1"});
  INFO("report: ", result.report.dump());
  CHECK(result.report["timed_out"] == true);
  CHECK(result.report["exit_code"] == 4);
  CHECK(waitUntil([&] { return r.c.cgroupProcesses() == before; }, 5s));
}

TEST_CASE("exec of a missing binary reports the runtime's error in the exit file") {
  RunningContainer r;
  const auto result = r.c.exec({"/no/such/tool"});
  INFO("report: ", result.report.dump());
  CHECK(result.conmonExitCode == 1);
  REQUIRE(result.report.contains("error"));
  CHECK(result.report["error"].get<std::string>().find("/no/such/tool") != std::string::npos);
}

TEST_CASE("exec with a terminal gets its output on stdout") {
  RunningContainer r;
  const auto result = r.c.exec({"sh", "-c", "echo on-tty; exit 2"}, {}, true);
  INFO("report: ", result.report.dump());
  CHECK(result.conmonExitCode == 0);
  CHECK(result.report["exit_code"] == 2);
  CHECK(result.out.find("on-tty\r\n") != std::string::npos);
}

TEST_CASE("exec in a container that does not exist fails with the runtime's message") {
  TestContainer c({{"true"}});
  const auto result = c.exec({"true"});
  CHECK(result.conmonExitCode == 1);
  REQUIRE(result.report.contains("error"));
  CHECK(result.report["exit_code"] == -1);
}

// crix-conmon exec mode streaming through the attach socket (CRI Exec), with
// the real runc.
#include <doctest/doctest.h>
#include <signal.h>

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

bool processGone(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  return stat.empty() || (paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z');
}

}  // namespace

TEST_CASE("streaming exec: stdout and stderr come as packets 2 and 3, then the exit code") {
  RunningContainer r;
  StreamingExec exec(r.c, {"sh", "-c", "echo out; sleep 0.2; echo err >&2; exit 3"});
  INFO("sync: ", exec.syncLine, " diagnostics: ", exec.diagnostics());
  REQUIRE(exec.pid() > 0);
  AttachClient client(exec.attachSocket);
  CHECK(client.waitFor("out\n"));
  CHECK(client.waitFor("err\n", 3));
  CHECK(client.waitForEnd());
  CHECK(client.out == "out\n");
  CHECK(client.err == "err\n");
  // The exit file exists by the time the client sees the end.
  CHECK(exists(exec.exitFile));
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 3);
  CHECK(report["timed_out"] == false);
  CHECK(exec.waitConmonExit() == 0);
  CHECK(!exists(exec.attachSocket));
  CHECK(!exists(exec.ctlFifo));
}

TEST_CASE("streaming exec: output written before the client connects is delivered to it") {
  RunningContainer r;
  StreamingExec exec(r.c, {"sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' e; echo; echo early-done; exit 4"});
  REQUIRE(exec.pid() > 0);
  // The process is over long before anyone connects.
  CHECK(waitUntil([&] { return processGone(exec.pid()); }, 10s));
  waitUntil([] { return false; }, 300ms);
  CHECK(!exists(exec.exitFile));  // crix-conmon waits for its first client
  AttachClient client(exec.attachSocket);
  CHECK(client.waitFor("early-done\n"));
  CHECK(client.waitForEnd());
  CHECK(client.out == std::string(3000000, 'e') + "\nearly-done\n");
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 4);
}

TEST_CASE("streaming exec with --stdin: cat echoes the input and ends on the client's half-close") {
  RunningContainer r;
  StreamingExec exec(r.c, {"sh", "-c", "cat; echo cat-ended"}, {"--stdin"});
  INFO("sync: ", exec.syncLine, " diagnostics: ", exec.diagnostics());
  REQUIRE(exec.pid() > 0);
  AttachClient client(exec.attachSocket);
  client.send("hello\n");
  CHECK(client.waitFor("hello\n"));
  client.send("again\n");
  CHECK(client.waitFor("hello\nagain\n"));
  client.closeWrite();
  CHECK(client.waitFor("cat-ended\n"));
  CHECK(client.waitForEnd());
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  CHECK(exec.waitConmonExit() == 0);
}

TEST_CASE("streaming exec with a terminal: a resize through the control FIFO reaches stty") {
  RunningContainer r;
  StreamingExec exec(r.c, {"sh", "-c", "echo in-tty; read x; stty size; exit 6"}, {"--stdin"}, true);
  INFO("sync: ", exec.syncLine, " diagnostics: ", exec.diagnostics());
  REQUIRE(exec.pid() > 0);
  AttachClient client(exec.attachSocket);
  CHECK(client.waitFor("in-tty\r\n"));
  crix::test::writeFile(exec.ctlFifo, "1 42 117\n");  // rows, then columns
  waitUntil([] { return false; }, 200ms);
  client.send("go\n");
  CHECK(client.waitFor("42 117"));
  CHECK(client.waitForEnd());
  CHECK(client.err.empty());
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 6);
}

TEST_CASE("streaming exec with --kill-on-detach: the client closing kills the process and its children") {
  RunningContainer r;
  const auto before = r.c.cgroupProcesses();
  REQUIRE(before.size() == 1);
  StreamingExec exec(r.c, {"sh", "-c", "sleep 1000 & echo started; sleep 1000"}, {"--kill-on-detach"});
  REQUIRE(exec.pid() > 0);
  {
    AttachClient client(exec.attachSocket);
    CHECK(client.waitFor("started\n"));
    CHECK(r.c.cgroupProcesses().size() >= 3);  // the container, the exec and its background child
  }
  const auto report = exec.exitReport();
  INFO("diagnostics: ", exec.diagnostics());
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 128 + SIGKILL);
  CHECK(exec.waitConmonExit() == 0);
  CHECK(waitUntil([&] { return r.c.cgroupProcesses() == before; }, 5s));
  CHECK(r.c.runcState() == "running");
}

TEST_CASE("streaming exec without --kill-on-detach outlives its client; a kill request ends it") {
  RunningContainer r;
  const auto before = r.c.cgroupProcesses();
  StreamingExec exec(r.c, {"sh", "-c", "echo started; sleep 1000"});
  REQUIRE(exec.pid() > 0);
  {
    AttachClient client(exec.attachSocket);
    CHECK(client.waitFor("started\n"));
  }
  waitUntil([] { return false; }, 500ms);
  CHECK(!processGone(exec.pid()));
  crix::test::writeFile(exec.ctlFifo, "3 0 0\n");
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 128 + SIGKILL);
  CHECK(exec.waitConmonExit() == 0);
  CHECK(waitUntil([&] { return r.c.cgroupProcesses() == before; }, 5s));
}

TEST_CASE("streaming exec of a missing binary reports the runtime's error and leaves no socket") {
  RunningContainer r;
  StreamingExec exec(r.c, {"/no/such/tool"}, {"--stdin", "--kill-on-detach"});
  CHECK(exec.syncLine.find("\"error\"") != std::string::npos);
  CHECK(exec.syncLine.find("/no/such/tool") != std::string::npos);
  CHECK(exec.waitConmonExit() == 1);
  CHECK(!exists(exec.attachSocket));
  CHECK(!exists(exec.ctlFifo));
  const auto report = exec.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == -1);
}

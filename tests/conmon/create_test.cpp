// crix-conmon in create mode with the real runc: what the daemon sees on the
// sync fd, in the log and in the exit file.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "tests/conmon/ConmonHarness.h"
#include "tests/support/Subprocess.h"

using namespace crix::conmon::test;

namespace {

bool processAlive(pid_t pid) { return ::kill(pid, 0) == 0; }

// Sends "2 TOKEN 0" and returns crix-conmon's answer on the ack FIFO, or
// "<none>" after 10 s.
std::string askReopen(const std::string& ctlFifo, int token) {
  const std::string ack = ctlFifo + ".ack-" + std::to_string(token);
  REQUIRE(::mkfifo(ack.c_str(), 0600) == 0);
  const int fd = ::open(ack.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(fd >= 0);
  crix::test::writeFile(ctlFifo, "2 " + std::to_string(token) + " 0\n");
  std::string line;
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 10000) == 1) {
    char buf[32];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) line.assign(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  ::unlink(ack.c_str());
  if (line.empty()) return "<none>";
  if (line.back() == '\n') line.pop_back();
  return line;
}

}  // namespace

TEST_CASE("create reports the pid, leaves the container created, and logs its output in CRI format") {
  TestContainer c({{"sh", "-c", "echo hello; echo oops >&2; exit 3"}});
  const std::string conmonPidFile = c.dir / "conmon.pid";
  const std::string sync = c.create({"--conmon-pid-file", conmonPidFile});
  const pid_t pid = TestContainer::pidFrom(sync);
  INFO("sync line: ", sync, " diagnostics: ", c.diagnostics());
  REQUIRE(pid > 0);
  CHECK(sync == "{\"pid\": " + std::to_string(pid) + "}\n");
  CHECK(slurp(conmonPidFile) == std::to_string(c.conmonPid()) + "\n");
  CHECK(c.runcState() == "created");
  CHECK(std::stoi(slurp(c.pidFile)) == pid);
  // Not started: nothing ran yet.
  CHECK(slurp(c.logFile).empty());

  c.start();
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 3);
  CHECK(report["signal"] == 0);
  CHECK(report["oom_killed"] == false);
  CHECK(report["finished_at_nanos"].get<int64_t>() > 1700000000000000000LL);
  CHECK(c.waitConmonExit() == 0);

  const std::string log = slurp(c.logFile);
  INFO("log: ", log);
  const auto entries = TestContainer::parseLog(log);
  REQUIRE(entries.size() == 2);
  bool sawOut = false, sawErr = false;
  for (const auto& e : entries) {
    CHECK(e.tag == "F");
    if (e.stream == "stdout") sawOut = e.message == "hello";
    if (e.stream == "stderr") sawErr = e.message == "oops";
  }
  CHECK(sawOut);
  CHECK(sawErr);
  // 2026-11-27T13:54:59.123456789Z stdout F hello
  const std::string first = log.substr(0, log.find('\n'));
  CHECK(first.size() > 31);
  CHECK(first[4] == '-');
  CHECK(first[10] == 'T');
  CHECK(first[19] == '.');
  CHECK(first[29] == 'Z');
  CHECK(first[30] == ' ');

  // Nothing is left: not the container's processes, not crix-conmon.
  CHECK(c.cgroupProcesses().empty());
  CHECK(!processAlive(pid));
  CHECK(!exists(c.attachSocket));
  CHECK(!exists(c.ctlFifo));
}

TEST_CASE("a line split across writes is logged P then F; output ending without newline stays P") {
  TestContainer c({{"sh", "-c", "printf 'abc'; sleep 0.3; echo def; printf tail"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  REQUIRE(!c.exitReport().is_null());
  const std::string log = slurp(c.logFile);
  INFO("log: ", log);
  const auto entries = TestContainer::parseLog(log);
  REQUIRE(entries.size() == 3);
  CHECK(entries[0].tag == "P");
  CHECK(entries[0].message == "abc");
  CHECK(entries[1].tag == "F");
  CHECK(entries[1].message == "def");
  CHECK(entries[2].tag == "P");
  CHECK(entries[2].message == "tail");
}

TEST_CASE("a line longer than the read buffer is logged in P pieces ending with F") {
  // 20000 'a's then a newline, in one write of the shell's printf.
  TestContainer c({{"sh", "-c", "head -c 20000 /dev/zero | tr '\\0' a; echo; echo next"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  REQUIRE(!c.exitReport().is_null());
  const auto entries = TestContainer::parseLog(slurp(c.logFile));
  REQUIRE(entries.size() >= 4);
  std::string joined;
  size_t i = 0;
  for (; i < entries.size() && entries[i].tag == "P"; ++i) {
    CHECK(entries[i].message.size() <= 8192);
    joined += entries[i].message;
  }
  REQUIRE(i < entries.size());
  CHECK(i >= 2);
  joined += entries[i].message;
  CHECK(joined == std::string(20000, 'a'));
  CHECK(entries.back().tag == "F");
  CHECK(entries.back().message == "next");
}

TEST_CASE("a container killed by SIGKILL exits 137 with signal 9") {
  TestContainer c({{"sleep", "100"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  CHECK(c.runcState() == "running");
  CHECK(crix::test::runProcess(c.runc({"kill", c.id, "KILL"}), 10s).exitCode == 0);
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 137);
  CHECK(report["signal"] == 9);
  CHECK(report["oom_killed"] == false);
  CHECK(c.waitConmonExit() == 0);
}

TEST_CASE("SIGTERM to crix-conmon is forwarded to the container") {
  // The container's pid 1 ignores signals it has no handler for, so it traps.
  TestContainer c({{"sh", "-c", "trap 'exit 7' TERM; echo trapping; while true; do sleep 0.1; done"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  c.waitForLog("trapping");
  ::kill(c.conmonPid(), SIGTERM);
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 7);
  CHECK(c.waitConmonExit() == 0);
}

TEST_CASE("a failing create reports the runtime's error on the sync fd and exits non-zero") {
  TestContainer c({{"/no/such/binary"}});
  const std::string sync = c.create();
  INFO("sync line: ", sync, " diagnostics: ", c.diagnostics());
  const auto report = nlohmann::json::parse(sync);
  REQUIRE(report.contains("error"));
  CHECK(report["error"].get<std::string>().find("/no/such/binary") != std::string::npos);
  CHECK(c.waitConmonExit() == 1);
  CHECK(!exists(c.exitFile));
  CHECK(!exists(c.attachSocket));
}

TEST_CASE("a runtime that cannot be executed is reported on the sync fd") {
  TestContainer c({{"true"}});
  const std::string sync = c.create({"--runtime", "/nonexistent/runc"});
  INFO("sync line: ", sync);
  const auto report = nlohmann::json::parse(sync);
  REQUIRE(report.contains("error"));
  CHECK(report["error"].get<std::string>().find("/nonexistent/runc") != std::string::npos);
  CHECK(c.waitConmonExit() == 1);
}

TEST_CASE("bad command lines are reported where the daemon looks") {
  TestContainer c({{"true"}});
  const std::string sync = c.create({"--log-size-max", "lots"});
  INFO("sync line: ", sync);
  CHECK(sync.find("\"error\"") != std::string::npos);
  CHECK(sync.find("--log-size-max") != std::string::npos);
  CHECK(c.waitConmonExit() == 2);
}

TEST_CASE("the log reopens at its path after the daemon renamed it, and the reopen is acknowledged") {
  TestContainer c({{"sh", "-c", "echo one; read x; echo two"}});
  REQUIRE(TestContainer::pidFrom(c.create({"--stdin"})) > 0);
  c.start();
  REQUIRE(c.waitForLog("one").find("one") != std::string::npos);
  REQUIRE(::rename(c.logFile.c_str(), (c.logFile + ".1").c_str()) == 0);

  // A file crix-conmon cannot open (a directory at the path): the old file
  // is kept, and the answer is the errno.
  REQUIRE(::mkdir(c.logFile.c_str(), 0700) == 0);
  CHECK(askReopen(c.ctlFifo, 7) == std::to_string(EISDIR));
  REQUIRE(::rmdir(c.logFile.c_str()) == 0);
  // Acknowledged once the new file is open: it exists when the answer comes.
  CHECK(askReopen(c.ctlFifo, 8) == "0");
  CHECK(exists(c.logFile));
  // Token 0 (conmon's "2 0 0") asks for no answer and still reopens.
  crix::test::writeFile(c.ctlFifo, "2 0 0\n");
  AttachClient client(c.attachSocket);
  client.send("go\n");
  REQUIRE(!c.exitReport().is_null());
  const std::string rotated = slurp(c.logFile + ".1");
  const std::string fresh = slurp(c.logFile);
  INFO("old: ", rotated, " new: ", fresh);
  CHECK(rotated.find("one") != std::string::npos);
  CHECK(rotated.find("two") == std::string::npos);
  CHECK(fresh.find("two") != std::string::npos);
  CHECK(fresh.find("one") == std::string::npos);
}

TEST_CASE("--log-size-max truncates the log and keeps going") {
  TestContainer c({{"sh", "-c", "for i in $(seq 1 300); do echo line$i; done"}});
  REQUIRE(TestContainer::pidFrom(c.create({"--log-size-max", "2000"})) > 0);
  c.start();
  REQUIRE(!c.exitReport().is_null());
  const std::string log = slurp(c.logFile);
  INFO("log: ", log);
  CHECK(log.size() <= 2000);
  CHECK(log.size() > 0);
  CHECK(log.find("line300\n") != std::string::npos);
  CHECK(log.find("line1\n") == std::string::npos);
  // Every entry is whole: truncation happens between entries.
  for (const auto& e : TestContainer::parseLog(log)) {
    CHECK(e.stream == "stdout");
    CHECK(e.tag == "F");
    CHECK(e.message.starts_with("line"));
  }
  CHECK(!exists(c.logFile + ".tmp"));
}

TEST_CASE("a container killed by the OOM killer is reported oom_killed") {
  TestContainer c({{"sh", "-c", "x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived"},
                   false, 10 * 1024 * 1024});
  const std::string sync = c.create();
  INFO("sync: ", sync, " diagnostics: ", c.diagnostics());
  REQUIRE(TestContainer::pidFrom(sync) > 0);
  c.start();
  const auto report = c.exitReport(60s);
  INFO("report: ", report.dump(), " log: ", slurp(c.logFile));
  REQUIRE(!report.is_null());
  CHECK(report["oom_killed"] == true);
  CHECK(report["exit_code"] == 137);
  CHECK(slurp(c.logFile).find("survived") == std::string::npos);
}

TEST_CASE("a container that exits normally under a memory limit is not oom_killed") {
  TestContainer c({{"sh", "-c", "echo fine"}, false, 64 * 1024 * 1024});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["oom_killed"] == false);
  CHECK(report["exit_code"] == 0);
}

TEST_CASE("a container deleted before it was started is reported as exited") {
  TestContainer c({{"sleep", "100"}});
  const pid_t pid = TestContainer::pidFrom(c.create());
  REQUIRE(pid > 0);
  CHECK(crix::test::runProcess(c.runc({"delete", "--force", c.id}), 20s).exitCode == 0);
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 137);
  CHECK(c.waitConmonExit() == 0);
}

// The attach socket, stdin and the terminal, with the real runc.
#include <doctest/doctest.h>
#include <unistd.h>

#include "tests/conmon/ConmonHarness.h"
#include "tests/support/Subprocess.h"

using namespace crix::conmon::test;

TEST_CASE("two attach clients see the output; input from one reaches the container's stdin") {
  // A directory deep enough that the socket path cannot fit in sun_path.
  TestContainer c({{"sh", "-c", "echo ready; echo warn >&2; exec cat"}},
                  "crix-conmon-test-" + std::string(90, 'd'));
  REQUIRE(c.attachSocket.size() > 108);
  const std::string sync = c.create({"--stdin"});
  INFO("sync: ", sync, " diagnostics: ", c.diagnostics());
  REQUIRE(TestContainer::pidFrom(sync) > 0);
  AttachClient first(c.attachSocket);
  AttachClient second(c.attachSocket);
  c.start();

  CHECK(first.waitFor("ready\n"));
  CHECK(second.waitFor("ready\n"));
  CHECK(first.waitFor("warn\n", 3));  // stderr comes as stream 3
  CHECK(first.out.find("warn") == std::string::npos);

  first.send("ping\n");
  CHECK(first.waitFor("ready\nping\n"));
  CHECK(second.waitFor("ready\nping\n"));

  // Without --stdin-once a client going away leaves stdin open for others.
  first.closeWrite();
  second.send("pong\n");
  CHECK(second.waitFor("pong\n"));
  CHECK(c.waitForLog("pong").find("stdout F pong") != std::string::npos);
  CHECK(c.runcState() == "running");

  crix::test::runProcess(c.runc({"kill", c.id, "KILL"}), 10s);
  CHECK(!c.exitReport().is_null());
  CHECK(c.waitConmonExit() == 0);
}

TEST_CASE("with --stdin-once the container's stdin closes when the client detaches") {
  TestContainer c({{"sh", "-c", "cat; echo cat-ended"}});
  REQUIRE(TestContainer::pidFrom(c.create({"--stdin-once"})) > 0);
  AttachClient client(c.attachSocket);
  c.start();
  client.send("line one\n");
  CHECK(client.waitFor("line one\n"));
  client.closeWrite();
  CHECK(client.waitFor("cat-ended\n"));
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  const std::string log = slurp(c.logFile);
  CHECK(log.find("stdout F line one") != std::string::npos);
  CHECK(log.find("stdout F cat-ended") != std::string::npos);
}

TEST_CASE("without --stdin the container reads end of file at once") {
  TestContainer c({{"sh", "-c", "cat; echo no-input"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  c.start();
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  CHECK(slurp(c.logFile).find("no-input") != std::string::npos);
}

TEST_CASE("a terminal container: output is stdout, resize through the control fifo reaches stty") {
  TestContainer c({{"sh", "-c", "echo in-tty; read x; stty size"}, true});
  const std::string sync = c.create({"--terminal", "--stdin"});
  INFO("sync: ", sync, " diagnostics: ", c.diagnostics());
  REQUIRE(TestContainer::pidFrom(sync) > 0);
  AttachClient client(c.attachSocket);
  c.start();
  CHECK(client.waitFor("in-tty"));
  // conmon's order: rows, then columns.
  crix::test::writeFile(c.ctlFifo, "1 42 117\n");
  // The terminal echoes the input; `read` returns on the newline.
  waitUntil([] { return false; }, 200ms);
  client.send("go\n");
  CHECK(client.waitFor("42 117"));
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  const std::string log = slurp(c.logFile);
  INFO("log: ", log);
  CHECK(log.find("stdout F in-tty\r") != std::string::npos);  // ONLCR: \r\n line ends
  CHECK(log.find("42 117") != std::string::npos);
  CHECK(log.find(" stderr ") == std::string::npos);
}

TEST_CASE("a terminal container without input ends when its process does") {
  TestContainer c({{"sh", "-c", "echo done"}, true});
  REQUIRE(TestContainer::pidFrom(c.create({"--terminal"})) > 0);
  c.start();
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  CHECK(c.waitConmonExit() == 0);
  CHECK(slurp(c.logFile).find("stdout F done\r") != std::string::npos);
}

TEST_CASE("input faster than the container reads waits, and arrives whole and in order") {
  TestContainer c({{"sh", "-c", "sleep 1; wc -c"}});
  REQUIRE(TestContainer::pidFrom(c.create({"--stdin-once"})) > 0);
  AttachClient client(c.attachSocket);
  c.start();
  // 1 MiB in 32 KiB packets: far more than the pipe holds while `sleep` runs.
  const std::string packet(32 * 1024, 'z');
  for (int i = 0; i < 32; ++i) client.send(packet);
  client.closeWrite();
  CHECK(client.waitFor("1048576", 2, 20s));
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
}

// The output comes in 40 kB pieces, one process each, so a client that does
// read keeps up even on a loaded machine: in one burst as fast as `tr` can
// write (as this test once was), a reader descheduled for a moment fell 4 MiB
// behind and was, rightly, disconnected as well, while the container ran on.
TEST_CASE("a client that stops reading is disconnected instead of stalling the container") {
  TestContainer c({{"sh", "-c",
                    "i=0; while [ $i -lt 300 ]; do head -c 40000 /dev/zero | tr '\\0' y; i=$((i+1)); done; "
                    "echo; echo finished"}});
  REQUIRE(TestContainer::pidFrom(c.create()) > 0);
  AttachClient sleepy(c.attachSocket);  // never reads
  AttachClient reader(c.attachSocket);
  c.start();
  // 12 MB through tr, the log and the reader: three times what the sleepy
  // client's socket may hold.
  const bool read = reader.waitFor("finished\n", 2, 60s);
  INFO(c.diagnostics());
  CHECK(read);
  const auto report = c.exitReport();
  REQUIRE(!report.is_null());
  CHECK(report["exit_code"] == 0);
  CHECK(c.waitForLog("finished").find("stdout F finished") != std::string::npos);
  const std::string diagnostics = c.diagnostics();
  const std::string dropped = "is not reading its output; disconnecting it";
  CHECK(diagnostics.find(dropped) != std::string::npos);
  // Only the sleepy client.
  CHECK(diagnostics.find(dropped) == diagnostics.rfind(dropped));
}

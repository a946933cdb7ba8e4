// crix-conmon's pure pieces, without runc.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "conmon/CriTimestamp.h"
#include "conmon/JsonLine.h"
#include "conmon/OomCounter.h"
#include "conmon/Options.h"
#include "core/Error.h"

using namespace crix::conmon;

namespace {

std::string timestamp(time_t seconds, long nanos) {
  char buf[kCriTimestampLength];
  formatCriTimestamp({seconds, nanos}, buf);
  return {buf, sizeof buf};
}

Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "crix-conmon");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  Options o;
  parseOptions(static_cast<int>(argv.size()), argv.data(), o);
  return o;
}

}  // namespace

TEST_CASE("CRI timestamps are RFC 3339 UTC with nine fraction digits") {
  CHECK(timestamp(0, 0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(timestamp(1795787699, 123456789) == "2026-11-27T13:54:59.123456789Z");
  CHECK(timestamp(951782400, 5) == "2000-02-29T00:00:00.000000005Z");  // leap day
  CHECK(timestamp(4102444799, 999999999) == "2099-12-31T23:59:59.999999999Z");
}

TEST_CASE("JSON lines escape what they must and parse with a strict parser") {
  const std::string text = JsonLine()
                               .addInt("pid", 42)
                               .addBool("ok", false)
                               .addString("error", "quote\" back\\ nl\n tab\t bell\x07 bad\xff ok\xc3\xa9")
                               .text();
  CHECK(text.back() == '\n');
  const auto j = nlohmann::json::parse(text);
  CHECK(j["pid"] == 42);
  CHECK(j["ok"] == false);
  CHECK(j["error"] == "quote\" back\\ nl\n tab\t bell\x07 bad\xEF\xBF\xBD ok\xc3\xa9");
  CHECK(JsonLine().addInt("pid", 7).text() == "{\"pid\": 7}\n");
}

TEST_CASE("the oom_kill counter is found in v1 and v2 files") {
  CHECK(parseOomKillCount("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n") == 3);
  CHECK(parseOomKillCount("low 0\nhigh 0\nmax 5\noom 2\noom_kill 1\noom_group_kill 0\n") == 1);
  CHECK(!parseOomKillCount("oom_kill_disable 0\nunder_oom 0\n"));
}

TEST_CASE("command lines: both modes, required options, bad values") {
  const Options create = parse({"--cid", "c1", "--bundle", "/b", "--runtime", "/r", "--log-path", "/l",
                                "--exit-file", "/e", "--attach-socket", "/a", "--ctl-fifo", "/f", "--pid-file",
                                "/p", "--runtime-arg", "--debug", "--runtime-arg=--systemd-cgroup",
                                "--stdin-once", "--log-size-max=-1", "--sync-fd", "5"});
  CHECK(create.mode == Mode::Create);
  CHECK(create.withStdin);
  CHECK(create.stdinOnce);
  CHECK(create.logSizeMax == 0);
  CHECK(create.syncFd == 5);
  CHECK(create.runtimeArgs == std::vector<std::string>{"--debug", "--systemd-cgroup"});

  const Options exec = parse({"exec", "--cid", "c1", "--runtime", "/r", "--process", "/p.json", "--exit-file",
                              "/e", "--timeout", "3", "--terminal"});
  CHECK(exec.mode == Mode::Exec);
  CHECK(exec.timeoutSeconds == 3);
  CHECK(exec.terminal);

  CHECK_THROWS_AS(parse({"--cid", "c1"}), crix::Error);
  CHECK_THROWS_WITH(parse({"exec", "--cid", "c", "--runtime", "/r", "--process", "/p", "--exit-file", "/e",
                           "--bundle", "/b"}),
                    doctest::Contains("--bundle is not an exec option"));
  CHECK_THROWS_WITH(parse({"--timeout", "3"}), doctest::Contains("only an exec option"));
  CHECK_THROWS_WITH(parse({"exec", "--timeout", "soon"}), doctest::Contains("--timeout"));
  CHECK_THROWS_WITH(parse({"--frobnicate"}), doctest::Contains("unknown option --frobnicate"));
  CHECK(parse({"--help"}).mode == Mode::Help);
}

#include "conmon/CriLogWriter.h"
#include "tests/conmon/ConmonHarness.h"

TEST_CASE("the CRI log writer splits chunks into F and P entries and truncates at the limit") {
  crix::test::TempDir dir("crix-conmon-unit");
  const std::string path = dir / "ctr.log";
  {
    CriLogWriter log(path, 0);
    char chunk[] = "one\ntwo\nthr";
    log.write(Stream::Stdout, chunk, sizeof chunk - 1);
    char rest[] = "ee\n";
    log.write(Stream::Stderr, rest, sizeof rest - 1);
  }
  const auto entries = crix::conmon::test::TestContainer::parseLog(crix::conmon::test::slurp(path));
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].message == "one");
  CHECK(entries[0].tag == "F");
  CHECK(entries[1].message == "two");
  CHECK(entries[2].message == "thr");
  CHECK(entries[2].tag == "P");
  CHECK(entries[3].stream == "stderr");
  CHECK(entries[3].message == "ee");
  CHECK(entries[3].tag == "F");

  const std::string limited = dir / "limited.log";
  CriLogWriter log(limited, 200);
  for (int i = 0; i < 20; ++i) {
    std::string line = "entry " + std::to_string(i) + "\n";
    log.write(Stream::Stdout, line.data(), line.size());
  }
  const std::string text = crix::conmon::test::slurp(limited);
  CHECK(text.size() <= 200);
  CHECK(text.find("entry 19\n") != std::string::npos);
  CHECK(text.find("entry 0\n") == std::string::npos);
}

TEST_CASE("exec mode streams with --attach-socket and --ctl-fifo, which exclude output files") {
  const std::vector<std::string> base = {"exec", "--cid", "c", "--runtime", "/r", "--process", "/p", "--exit-file", "/e"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> args = base;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  const Options o = parse(with({"--attach-socket", "/a", "--ctl-fifo", "/f", "--stdin", "--kill-on-detach"}));
  CHECK(o.streaming());
  CHECK(o.withStdin);
  CHECK(o.killOnDetach);
  CHECK(!parse(base).streaming());
  CHECK_THROWS_WITH(parse(with({"--attach-socket", "/a"})), doctest::Contains("go together"));
  CHECK_THROWS_WITH(parse(with({"--attach-socket", "/a", "--ctl-fifo", "/f", "--stdout-file", "/o"})),
                    doctest::Contains("not for a streaming exec"));
  CHECK_THROWS_WITH(parse(with({"--stdin"})), doctest::Contains("--stdin needs --attach-socket"));
  CHECK_THROWS_WITH(parse(with({"--kill-on-detach"})), doctest::Contains("--kill-on-detach needs --attach-socket"));
  CHECK_THROWS_WITH(parse(with({"--stdin-once"})), doctest::Contains("not an exec option"));
  CHECK_THROWS_WITH(parse({"--kill-on-detach"}), doctest::Contains("only an exec option"));
}

// oci/runtime pieces that need no container: handler resolution, exit files,
// the process runner, the control FIFO without a reader, exec process JSON.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "config/Config.h"
#include "core/Error.h"
#include "core/ProcessRunner.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/ExecSync.h"
#include "oci/runtime/ExitFile.h"
#include "oci/runtime/RuntimeHandlerInfo.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::oci;
using namespace std::chrono;

namespace {

StatusCode codeOf(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return StatusCode::Ok;
}

// Sets an environment variable for one test and restores it.
struct EnvOverride {
  std::string name;
  std::optional<std::string> old;
  EnvOverride(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    ::setenv(name.c_str(), value.c_str(), 1);
  }
  ~EnvOverride() {
    if (old)
      ::setenv(name.c_str(), old->c_str(), 1);
    else
      ::unsetenv(name.c_str());
  }
};

}  // namespace

TEST_SUITE_BEGIN("oci-runtime-unit");

TEST_CASE("resolveRuntime: default handler, PATH lookup, monitor fallbacks, unknown handlers") {
  config::Config cfg = config::defaults();
  const EnvOverride conmon(kMonitorPathEnv, CRIX_CONMON_BINARY);

  const RuntimeHandlerInfo info = resolveRuntime(cfg, "");
  CHECK(info.name == "runc");
  CHECK(info.runtimePath == "/usr/sbin/runc");
  CHECK(info.runtimeRoot == "/run/runc");
  CHECK(info.monitorPath == CRIX_CONMON_BINARY);
  CHECK(info.monitorCgroup == "pod");

  SUBCASE("unknown handler") {
    try {
      resolveRuntime(cfg, "kata");
      FAIL("resolved");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
      CHECK(std::string(e.what()) ==
            "failed to find runtime handler kata from runtime list [runc]");
    }
  }
  SUBCASE("a handler named after a binary that is not there") {
    cfg.runtime.runtimes["crix-none"] = {};
    CHECK(codeOf([&] { resolveRuntime(cfg, "crix-none"); }) == StatusCode::FailedPrecondition);
  }
  SUBCASE("explicit paths and the deprecated conmon keys") {
    auto& h = cfg.runtime.runtimes["runc"];
    h.runtime_path = "/usr/sbin/runc";
    cfg.runtime.conmon = "/no/such/conmon";
    CHECK(codeOf([&] { resolveRuntime(cfg, "runc"); }) == StatusCode::FailedPrecondition);
    h.monitor_path = CRIX_CONMON_BINARY;
    h.monitor_env = {"A=b"};
    const auto r = resolveRuntime(cfg, "runc");
    CHECK(r.monitorPath == CRIX_CONMON_BINARY);
    CHECK(r.monitorEnv == std::vector<std::string>{"A=b"});
  }
  SUBCASE("a non-oci runtime_type is refused") {
    cfg.runtime.runtimes["runc"].runtime_type = "vm";
    CHECK(codeOf([&] { resolveRuntime(cfg, "runc"); }) == StatusCode::FailedPrecondition);
  }
}

TEST_CASE("readExitFile: absent, create-mode, exec-mode and damaged files") {
  test::TempDir dir("crix-exitfile");
  CHECK_FALSE(readExitFile(dir / "none").has_value());

  test::writeFile(
      dir / "a",
      R"({"exit_code": 137, "signal": 9, "oom_killed": true, "finished_at_nanos": 1795792121273738235})"
      "\n");
  const auto a = readExitFile(dir / "a");
  REQUIRE(a.has_value());
  CHECK(a->exitCode == 137);
  CHECK(a->signal == 9);
  CHECK(a->oomKilled);
  CHECK(a->finishedAtNanos == 1795792121273738235LL);
  CHECK(a->error.empty());
  CHECK_FALSE(a->timedOut);

  test::writeFile(
      dir / "b",
      R"({"exit_code": -1, "error": "exec: \"/x\": stat /x: no such file or directory"})");
  CHECK(readExitFile(dir / "b")->error == "exec: \"/x\": stat /x: no such file or directory");
  test::writeFile(dir / "c",
                  R"({"exit_code": 137, "signal": 9, "timed_out": true, "finished_at_nanos": 1})");
  CHECK(readExitFile(dir / "c")->timedOut);

  test::writeFile(dir / "bad", "{\"exit_co");
  CHECK(codeOf([&] { readExitFile(dir / "bad"); }) == StatusCode::DataLoss);
  test::writeFile(dir / "empty", "");
  CHECK(codeOf([&] { readExitFile(dir / "empty"); }) == StatusCode::DataLoss);
  test::writeFile(dir / "noexit", "{\"signal\": 1}");
  CHECK(codeOf([&] { readExitFile(dir / "noexit"); }) == StatusCode::DataLoss);
}

TEST_CASE("runProcess: output, stdin, exit status, timeouts and exec failures") {
  SUBCASE("captures both streams and the exit code; feeds stdin") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "cat; echo err >&2; exit 4"};
    spec.stdinData = "input\n";
    const auto r = runProcess(spec);
    CHECK(r.out == "input\n");
    CHECK(r.err == "err\n");
    CHECK(r.exitCode == 4);
    CHECK_FALSE(r.timedOut);
  }
  SUBCASE("a child that ignores its stdin does not hurt the caller (no SIGPIPE)") {
    ProcessSpec spec;
    spec.argv = {"/bin/true"};
    spec.stdinData.assign(4 << 20, 'x');
    const auto r = runProcess(spec);
    CHECK(r.exitCode == 0);
  }
  SUBCASE("a child that outlives its deadline is killed, with its process group") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "sleep 60 & sleep 60"};
    spec.timeout = milliseconds(300);
    const auto start = steady_clock::now();
    const auto r = runProcess(spec);
    CHECK(r.timedOut);
    CHECK(r.exitCode == -1);
    CHECK(steady_clock::now() - start < seconds(5));
  }
  SUBCASE("signals are reported") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "kill -9 $$"};
    const auto r = runProcess(spec);
    CHECK(r.signal == 9);
    CHECK(r.exitCode == -1);
  }
  SUBCASE("output beyond the cap is dropped and flagged") {
    ProcessSpec spec;
    spec.argv = {"/bin/sh", "-c", "head -c 100000 /dev/zero"};
    spec.maxOutput = 1000;
    const auto r = runProcess(spec);
    CHECK(r.out.size() == 1000);
    CHECK(r.outputTruncated);
    CHECK(r.exitCode == 0);
  }
  SUBCASE("a program that cannot be executed") {
    ProcessSpec spec;
    spec.argv = {"/no/such/program"};
    try {
      runProcess(spec);
      FAIL("ran");
    } catch (const Error& e) {
      CHECK(std::string(e.what()) == "cannot execute /no/such/program: No such file or directory");
    }
  }
  SUBCASE("only fds 0-2 reach the child") {
    ProcessSpec spec;
    spec.argv = {"/bin/ls", "/proc/self/fd"};
    const int leaked = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, as another thread might
    const auto r = runProcess(spec);
    ::close(leaked);
    CHECK(r.out == "0\n1\n2\n3\n");  // 3 is ls's own directory fd
  }
}

TEST_CASE("sendControl: a FIFO without a reader or no FIFO at all") {
  test::TempDir dir("crix-ctl");
  CHECK(codeOf([&] { reopenLog(dir / "none"); }) == StatusCode::NotFound);
  REQUIRE(::mkfifo((dir / "ctl").c_str(), 0600) == 0);
  CHECK(codeOf([&] { resizeTerminal(dir / "ctl", 24, 80); }) == StatusCode::FailedPrecondition);
}

TEST_CASE("execProcessFromSpec keeps the container's process settings") {
  const nlohmann::json spec = {{"terminal", false},
                               {"args", {"/bin/app"}},
                               {"env", {"PATH=/bin", "A=1"}},
                               {"cwd", "/work"},
                               {"user", {{"uid", 1000}, {"gid", 1000}}},
                               {"capabilities", {{"bounding", {"CAP_KILL"}}}},
                               {"consoleSize", {{"height", 1}, {"width", 2}}}};
  const auto p = execProcessFromSpec(spec, {"ls", "-l"}, false);
  CHECK(p["args"] == nlohmann::json({"ls", "-l"}));
  CHECK(p["cwd"] == "/work");
  CHECK(p["user"]["uid"] == 1000);
  CHECK(p["env"] == nlohmann::json({"PATH=/bin", "A=1"}));
  CHECK(p["capabilities"] == spec["capabilities"]);
  CHECK_FALSE(p.contains("consoleSize"));
  const auto t = execProcessFromSpec(spec, {"sh"}, true);
  CHECK(t["terminal"] == true);
  CHECK(t["env"].back() == "TERM=xterm");
  CHECK(codeOf([&] { execProcessFromSpec(spec, {}, false); }) == StatusCode::InvalidArgument);
}

TEST_CASE("resolveMonitorCgroup: a leaf per container under CRI-O's conmon_cgroup meanings") {
  CHECK(resolveMonitorCgroup("pod", "/kubepods/pod1", "abc") == "/kubepods/pod1/crix-conmon-abc");
  CHECK(resolveMonitorCgroup("", "kubepods/pod1/", "abc") == "/kubepods/pod1/crix-conmon-abc");
  CHECK(resolveMonitorCgroup("system.slice", "/kubepods/pod1", "abc") ==
        "/system.slice/crix-conmon-abc");
  CHECK(resolveMonitorCgroup("/crix/monitors", "/kubepods/pod1", "abc") ==
        "/crix/monitors/crix-conmon-abc");
  CHECK(resolveMonitorCgroup("pod", "", "abc") == "/crix-conmon-abc");
  CHECK(codeOf([] { removeCgroup("/"); }) == StatusCode::InvalidArgument);
  CHECK_NOTHROW(removeCgroup("/crix-oci-test/never-made"));
}

TEST_SUITE_END();

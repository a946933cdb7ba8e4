// crixctl's streaming verbs against the daemon: exec (with and without a
// terminal), attach and port-forward, as crictl's users run them.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>

#include "tests/support/RuntimeEnv.h"
#include "tests/support/ChildProcess.h"
#include "tests/support/Subprocess.h"

using namespace crix::test;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string crixctlCommand(RuntimeEnv& env, const std::string& args) {
  return std::string(CRIXCTL_BINARY) + " --runtime-endpoint " + env.daemon().endpoint() + " --timeout 60s " + args;
}

// A shell line, bounded.
ProcessResult shell(const std::string& line) {
  return runProcess({"/bin/sh", "-c", line}, std::chrono::seconds(60));
}

// crixctl running in the background, output in a file; SIGINT and reaped at
// the end of the test whatever happened.
class Background {
 public:
  Background(RuntimeEnv& env, const std::vector<std::string>& args) : log_(env.dir() / "bg.log") {
    std::vector<std::string> argv = {CRIXCTL_BINARY, "--runtime-endpoint", env.daemon().endpoint(), "--timeout",
                                     "60s"};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = spawnWithLog(argv, log_);
  }
  ~Background() { stop(); }
  std::string output() const { return fs::exists(log_) ? readFile(log_) : ""; }
  bool waitFor(const std::string& text) const {
    const auto deadline = Clock::now() + std::chrono::seconds(15);
    while (Clock::now() < deadline) {
      if (contains(output(), text)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // SIGINT, then SIGKILL if it does not end; its wait status.
  int stop() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGINT);
    if (!waitForExit(pid_, Clock::now() + std::chrono::seconds(10), status_)) {
      ::kill(pid_, SIGKILL);
      waitForExit(pid_, Clock::now() + std::chrono::seconds(10), status_);
    }
    pid_ = -1;
    return status_;
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int status_ = 0;
};

}  // namespace

TEST_SUITE("crixctl-streaming") {

TEST_CASE("crixctl exec: output and exit code, stdin with -i, a terminal with -it") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("exec");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(pod, RuntimeEnv::containerConfig("c", {"sleep", "1000"}), podConfig);

  auto r = shell(crixctlCommand(env, "exec " + ctr.substr(0, 12) + " sh -c 'echo out; echo err >&2; exit 4'"));
  CHECK(r.exitCode == 4);
  CHECK(r.out == "out\n");
  CHECK(contains(r.err, "err\n"));

  r = shell("printf 'line one\\nline two\\n' | " + crixctlCommand(env, "exec -i " + ctr + " cat"));
  CHECK(r.exitCode == 0);
  CHECK(r.out == "line one\nline two\n");

  // -it under a terminal of its own (script(1)): the local size reaches
  // the container's terminal.
  r = shell("script -qfec \"stty rows 33 cols 77; " + crixctlCommand(env, "exec -it " + ctr + " sh -c 'stty size'") +
            "\" /dev/null");
  CHECK_MESSAGE(r.exitCode == 0, r.out << r.err);
  CHECK(contains(r.out, "33 77"));

  r = shell(crixctlCommand(env, "exec -t " + ctr + " true"));
  CHECK(r.exitCode != 0);
  CHECK(contains(r.err, "tty=true must be specified with interactive=true"));
}

TEST_CASE("crixctl attach shows a running container's output; the container outlives it") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("attach");
  const auto pod = env.runPod(podConfig);
  const auto ctr = env.runContainer(
      pod, RuntimeEnv::containerConfig("ticker", {"sh", "-c", "i=0; while :; do i=$((i+1)); echo tick-$i; sleep 0.1; done"}),
      podConfig);
  {
    Background attach(env, {"attach", ctr});
    CHECK(attach.waitFor("tick-"));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(env.containerStatus(ctr).state() == v1::CONTAINER_RUNNING);
}

TEST_CASE("crixctl port-forward: a local port reaches busybox httpd in the pod") {
  if (!runtimeToolsPresent()) return;
  RuntimeEnv env;
  const auto podConfig = env.podConfig("pf");
  const auto pod = env.runPod(podConfig);
  env.runContainer(pod,
                   RuntimeEnv::containerConfig(
                       "web", {"sh", "-c",
                               "mkdir -p /www && echo hello-crixctl-pf > /www/index.html && exec httpd -f -p 80 -h /www"}),
                   podConfig);
  Background forward(env, {"port-forward", pod, ":80"});
  REQUIRE_MESSAGE(forward.waitFor("-> 80"), forward.output());
  std::smatch m;
  const std::string out = forward.output();
  REQUIRE_MESSAGE(std::regex_search(out, m, std::regex(R"(127\.0\.0\.1:(\d+) -> 80)")), out);
  const std::string url = "http://127.0.0.1:" + m[1].str() + "/";
  bool served = false;
  for (int i = 0; i < 50 && !served; ++i) {
    // Two connections, one after the other, each its own forward.
    served = contains(runProcess({"/bin/busybox", "wget", "-q", "-O", "-", url}, std::chrono::seconds(10)).out,
                      "hello-crixctl-pf");
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(served);
  CHECK(contains(runProcess({"/bin/busybox", "wget", "-q", "-O", "-", url}, std::chrono::seconds(10)).out,
                 "hello-crixctl-pf"));
}

}  // TEST_SUITE

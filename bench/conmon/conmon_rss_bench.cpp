// Resident memory of one container monitor: crix-conmon against Debian's
// /usr/bin/conmon, each watching busybox `sleep` containers made from the same
// kind of bundle and run by the same runc. Prints VmRSS and its anonymous and
// file-backed parts (/proc/PID/status), and PSS (/proc/PID/smaps_rollup),
// which splits the binary's shared pages among the monitors running it.
//
//   crix-conmon-rss-bench [instances]      (default 3; needs root)
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/conmon/ConmonHarness.h"
#include "tests/support/Subprocess.h"

using namespace crix::conmon::test;

namespace {

constexpr const char* kDebianConmon = "/usr/bin/conmon";

struct Memory {
  long vmRss = 0, rssAnon = 0, rssFile = 0, pss = 0;  // KiB
};

long field(const std::string& path, const std::string& name) {
  std::ifstream in(path);
  std::string key;
  long value;
  std::string unit;
  while (in >> key) {
    if (key == name + ":") {
      in >> value;
      return value;
    }
    std::getline(in, unit);
  }
  return -1;
}

Memory memoryOf(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  return {field(proc + "/status", "VmRSS"), field(proc + "/status", "RssAnon"), field(proc + "/status", "RssFile"),
          field(proc + "/smaps_rollup", "Pss")};
}

// Starts Debian's conmon for `c` (it daemonizes) and returns its pid.
pid_t startDebianConmon(TestContainer& c) {
  const std::string conmonPidFile = c.dir / "conmon.pid";
  const std::string exitDir = c.dir / "exits";
  ::mkdir(exitDir.c_str(), 0700);
  const auto r = crix::test::runProcess(
      {kDebianConmon, "--api-version", "1", "-c", c.id, "-u", c.id, "-n", c.id, "-r", kRunc, "-b", c.bundle, "-p",
       c.pidFile, "-P", conmonPidFile, "-l", "k8s-file:" + c.logFile, "--exit-dir", exitDir, "--socket-dir-path",
       c.dir.path(), "--log-level", "error", "--runtime-arg", "--root", "--runtime-arg", c.runcRoot},
      30s);
  if (r.exitCode != 0 || !waitUntil([&] { return exists(c.pidFile) && exists(conmonPidFile); }, 10s)) {
    std::fprintf(stderr, "conmon failed: %s\n", r.err.c_str());
    return -1;
  }
  return std::stoi(slurp(conmonPidFile));
}

// Starts `instances` monitors of one kind, each with a running container,
// and returns their memory once settled.
std::vector<Memory> measure(bool debian, int instances) {
  std::vector<std::unique_ptr<TestContainer>> containers;
  std::vector<pid_t> monitors;
  for (int i = 0; i < instances; ++i) {
    auto c = std::make_unique<TestContainer>(BundleSpec{{"sleep", "1000"}}, "crix-conmon-bench");
    pid_t monitor = -1;
    if (debian) {
      monitor = startDebianConmon(*c);
    } else if (TestContainer::pidFrom(c->create({"--log-level", "warn"})) > 0) {
      monitor = c->conmonPid();
    } else {
      std::fprintf(stderr, "crix-conmon failed: %s\n", c->diagnostics().c_str());
    }
    if (monitor <= 0) return {};
    c->start();
    monitors.push_back(monitor);
    containers.push_back(std::move(c));
  }
  std::this_thread::sleep_for(1s);  // settled: nothing left to fault in
  std::vector<Memory> figures;
  for (pid_t pid : monitors) figures.push_back(memoryOf(pid));
  containers.clear();  // runc delete --force: the monitors see their container exit
  // Daemonized conmons were reparented to us (subreaper): reap them.
  waitUntil([] { return ::waitpid(-1, nullptr, WNOHANG) < 0; }, 10s);
  return figures;
}

void report(const char* name, bool debian, int instances) {
  const std::vector<Memory> alone = measure(debian, 1);
  const std::vector<Memory> many = measure(debian, instances);
  if (alone.empty() || many.empty()) {
    std::printf("%-12s (could not run; see stderr)\n", name);
    return;
  }
  long pssSum = 0;
  for (const Memory& m : many) pssSum += m.pss;
  const Memory& m = alone.front();
  std::printf("%-12s VmRSS %5ld KiB (anon %4ld, file %5ld)  PSS %5ld KiB alone, %5ld KiB each with %d running\n",
              name, m.vmRss, m.rssAnon, m.rssFile, m.pss, pssSum / static_cast<long>(many.size()), instances);
}

}  // namespace

int main(int argc, char** argv) {
  const int instances = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
  if (::access(kConmon, X_OK) != 0) {
    std::fprintf(stderr, "%s is not built\n", kConmon);
    return 1;
  }
  ::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
  std::printf("container monitors, each watching a running busybox `sleep` (runc %s)\n", kRunc);
  report("crix-conmon", false, instances);
  if (::access(kDebianConmon, X_OK) == 0) report("conmon", true, instances);
  else std::printf("%-12s (%s is not installed)\n", "conmon", kDebianConmon);
  return 0;
}

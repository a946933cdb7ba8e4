// The pod's pid namespace and its pause process (crix-conmon pause).
#include <doctest/doctest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "core/Error.h"
#include "tests/netns/PinnerSandbox.h"
#include "tests/support/Subprocess.h"

using namespace crix;
using namespace crix::netns;
using namespace crix::netns::testing;

namespace {

bool waitUntilGone(pid_t pid, std::chrono::milliseconds bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (processRuns(pid)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace

TEST_CASE("pin with pid: the pause process is PID 1 of the pinned pid namespace, in the pod's namespaces") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("shared-pid", "sp").withPid(true));
  REQUIRE(pinned.pausePid > 1);
  CHECK(pinned.pid == box.nsDir() + "/pidns/shared-pid");
  CHECK(processRuns(pinned.pausePid));
  CHECK(nsPid(pinned.pausePid) == std::to_string(pinned.pausePid) + "\t1");
  const std::string proc = "/proc/" + std::to_string(pinned.pausePid) + "/ns/";
  CHECK(inodeOf(proc + "pid") == inodeOf(pinned.pid));
  CHECK(inodeOf(proc + "net") == inodeOf(pinned.network));
  CHECK(inodeOf(proc + "ipc") == inodeOf(pinned.ipc));
  CHECK(inodeOf(proc + "uts") == inodeOf(pinned.uts));
  CHECK(inodeOf(pinned.pid) != inodeOf("/proc/self/ns/pid"));
  // Not our child: the process crix forks exits once the pause process runs.
  CHECK(test::readFile(proc + "../stat").find(") S " + std::to_string(::getpid()) + " ") == std::string::npos);

  // A process entering the pid namespace is in it, below the pause process.
  const std::string inside = test::runChecked(
      {"/usr/bin/nsenter", "--pid=" + pinned.pid, "--", "/bin/sh", "-c", "readlink /proc/self/ns/pid; grep NSpid /proc/self/status"});
  CHECK(inside.find("pid:[" + std::to_string(inodeOf(pinned.pid)) + "]") == 0);
  const size_t tab = inside.rfind('\t');
  REQUIRE(tab != std::string::npos);
  CHECK(std::stoi(inside.substr(tab + 1)) >= 2);
}

TEST_CASE("pause: ignores other signals, ends on SIGTERM") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("signals", "").withPid(true));
  REQUIRE(pinned.pausePid > 1);
  for (int sig : {SIGHUP, SIGUSR1, SIGQUIT, SIGCHLD}) ::kill(pinned.pausePid, sig);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(processRuns(pinned.pausePid));
  ::kill(pinned.pausePid, SIGTERM);
  CHECK(waitUntilGone(pinned.pausePid, std::chrono::seconds(5)));
  // The pid namespace is dead; find() no longer reports a pause process.
  const auto found = box.pinner().find("signals");
  REQUIRE(found.has_value());
  CHECK(found->pausePid == 0);
  box.pinner().release("signals");
  CHECK(filesBelow(box.nsDir()).empty());
}

TEST_CASE("pause: reaps the orphans of the pod") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("reaper", "").withPid(true));
  // A background child of a shell that exits at once lands on PID 1.
  test::runChecked({"/usr/bin/nsenter", "--pid=" + pinned.pid, "--", "/bin/sh", "-c", "(sleep 0.2 &) ; exit 0"});
  std::this_thread::sleep_for(std::chrono::milliseconds(600));
  const std::string children =
      test::readFile("/proc/" + std::to_string(pinned.pausePid) + "/task/" + std::to_string(pinned.pausePid) + "/children");
  CHECK(children.empty());
}

TEST_CASE("release with pid: the pause process is gone, nothing is left; find() after a restart") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("pp", "pp").withPid(true));
  NamespacePinner restarted(box.nsDir(), kPauseBinary);
  const auto found = restarted.find("pp");
  REQUIRE(found.has_value());
  CHECK(found->pausePid == pinned.pausePid);
  CHECK(found->pid == pinned.pid);

  restarted.release("pp");
  CHECK_FALSE(processRuns(pinned.pausePid));
  CHECK(mountsBelow(box.nsDir()).size() == 1);
  CHECK(filesBelow(box.nsDir()).empty());
  CHECK_NOTHROW(restarted.release("pp"));
}

TEST_CASE("release: a stale pid file naming someone else's process leaves that process alone") {
  PinnerSandbox box;
  box.pin(request("stale", "").withNetwork(false).withIpc(false).withUts(false).withPid(true));
  const auto found = box.pinner().find("stale");
  REQUIRE(found.has_value());
  ::kill(found->pausePid, SIGKILL);
  REQUIRE(waitUntilGone(found->pausePid, std::chrono::seconds(5)));
  // Our own process's pid in the pause pid file.
  test::writeFile(box.nsDir() + "/pause/stale", std::to_string(::getpid()) + "\n");
  CHECK_NOTHROW(box.pinner().release("stale"));  // we are still alive to check
  CHECK(filesBelow(box.nsDir()).empty());
}

TEST_CASE("pin/release with pid: 20 cycles leave no process behind") {
  PinnerSandbox box;
  std::vector<int> pids;
  for (int i = 0; i < 20; ++i) {
    const std::string id = "pcycle-" + std::to_string(i);
    pids.push_back(box.pin(request(id, "h").withPid(true)).pausePid);
    box.pinner().release(id);
  }
  for (int pid : pids) CHECK_FALSE(processRuns(pid));
  CHECK(mountsBelow(box.nsDir()).size() == 1);
  CHECK(filesBelow(box.nsDir()).empty());
}

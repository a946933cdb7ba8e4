// Pinned network, IPC and UTS namespaces, checked from outside with nsenter.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/Error.h"
#include "tests/netns/PinnerSandbox.h"
#include "tests/support/Subprocess.h"

using namespace crix;
using namespace crix::netns;
using namespace crix::netns::testing;

namespace {

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("pin: network, IPC and UTS namespaces of a pod, seen through nsenter") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("pod-a", "web-0"));
  CHECK(pinned.network == box.nsDir() + "/netns/pod-a");
  CHECK(pinned.ipc == box.nsDir() + "/ipcns/pod-a");
  CHECK(pinned.uts == box.nsDir() + "/utsns/pod-a");
  CHECK(pinned.pid.empty());
  CHECK(pinned.pausePid == 0);

  // Only lo, and it is up.
  const std::string links =
      test::runChecked({"/usr/bin/nsenter", "--net=" + pinned.network, "/usr/sbin/ip", "-o", "link"});
  CHECK(links.find("1: lo: <LOOPBACK,UP,LOWER_UP>") == 0);
  CHECK(std::count(links.begin(), links.end(), '\n') == 1);
  CHECK(inodeOf(pinned.network) != inodeOf("/proc/self/ns/net"));

  CHECK(trimmed(test::runChecked({"/usr/bin/nsenter", "--uts=" + pinned.uts, "/usr/bin/hostname"})) == "web-0");
  CHECK(inodeOf(pinned.uts) != inodeOf("/proc/self/ns/uts"));

  CHECK(inodeOf(pinned.ipc) != 0);
  CHECK(inodeOf(pinned.ipc) != inodeOf("/proc/self/ns/ipc"));

  // The namespace directory is a shared mount point (see NsfsPin.h).
  bool shared = false;
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);)
    if (line.find(" " + std::filesystem::weakly_canonical(box.nsDir()).string() + " ") != std::string::npos &&
        line.find(" shared:") != std::string::npos)
      shared = true;
  CHECK(shared);
}

TEST_CASE("pin: only the requested namespaces, and an unset hostname is the node's copy") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("only-uts", "").withNetwork(false).withIpc(false).withUts(true));
  CHECK(pinned.network.empty());
  CHECK(pinned.ipc.empty());
  REQUIRE(!pinned.uts.empty());
  CHECK(!std::filesystem::exists(box.nsDir() + "/netns/only-uts"));
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(trimmed(test::runChecked({"/usr/bin/nsenter", "--uts=" + pinned.uts, "/usr/bin/hostname"})) == host);
}

TEST_CASE("release: unmounts and removes everything, twice is fine") {
  PinnerSandbox box;
  box.pin(request("pod-r", "r"));
  CHECK(mountsBelow(box.nsDir()).size() == 4);  // the directory itself + 3 pins
  box.pinner().release("pod-r");
  CHECK(mountsBelow(box.nsDir()).size() == 1);
  CHECK(filesBelow(box.nsDir()).empty());
  CHECK_FALSE(box.pinner().find("pod-r").has_value());
  CHECK_NOTHROW(box.pinner().release("pod-r"));
  CHECK_NOTHROW(box.pinner().release("never-pinned"));
}

TEST_CASE("pin: a pod id pinned already is AlreadyExists, bad ids and hostnames InvalidArgument") {
  PinnerSandbox box;
  box.pin(request("dup", ""));
  try {
    box.pinner().pin(request("dup", ""));
    FAIL("pinned twice");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::AlreadyExists);
  }
  for (const char* id : {"", ".", "..", "a/b"}) {
    try {
      box.pinner().pin(request(id, ""));
      FAIL("accepted pod id " << id);
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::InvalidArgument);
    }
  }
  try {
    box.pinner().pin(request("long", std::string(65, 'h')));
    FAIL("accepted a 65-byte hostname");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::InvalidArgument);
  }
  CHECK_FALSE(box.pinner().find("long").has_value());
}

TEST_CASE("find: a new pinner on the same directory sees the pins (daemon restart)") {
  PinnerSandbox box;
  const PinnedNamespaces pinned = box.pin(request("pod-f", "f"));
  NamespacePinner restarted(box.nsDir(), kPauseBinary);
  const auto found = restarted.find("pod-f");
  REQUIRE(found.has_value());
  CHECK(found->network == pinned.network);
  CHECK(found->ipc == pinned.ipc);
  CHECK(found->uts == pinned.uts);
  CHECK(found->pid.empty());
  CHECK(found->pausePid == 0);
  CHECK_FALSE(restarted.find("other").has_value());
  restarted.release("pod-f");
  CHECK(filesBelow(box.nsDir()).empty());
}

TEST_CASE("pin: the namespaces and the pause process outlive a kill -9 of the process that pinned them") {
  PinnerSandbox box;
  box.track("pod-child");
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      NamespacePinner pinner(box.nsDir(), kPauseBinary);
      pinner.pin(request("pod-child", "orphan").withPid(true));
      ::raise(SIGKILL);
    } catch (...) {
    }
    ::_exit(1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);

  const auto found = box.pinner().find("pod-child");
  REQUIRE(found.has_value());
  box.track("pod-child", found->pausePid);
  CHECK(found->pausePid > 1);
  CHECK(processRuns(found->pausePid));
  CHECK(trimmed(test::runChecked({"/usr/bin/nsenter", "--uts=" + found->uts, "/usr/bin/hostname"})) == "orphan");
  const std::string links = test::runChecked({"/usr/bin/nsenter", "--net=" + found->network, "/usr/sbin/ip", "-o", "link"});
  CHECK(links.find("lo: <LOOPBACK,UP,LOWER_UP>") != std::string::npos);
  box.pinner().release("pod-child");
  CHECK_FALSE(processRuns(found->pausePid));
  CHECK(filesBelow(box.nsDir()).empty());
}

TEST_CASE("pin: a failure half-way leaves nothing behind") {
  PinnerSandbox box;
  box.pin(request("warmup", "").withNetwork(false).withIpc(false));  // creates the directories
  box.pinner().release("warmup");

  SUBCASE("the IPC pin cannot be created") {
    // The network pin succeeds first, then creating the IPC file fails.
    std::filesystem::remove(box.nsDir() + "/ipcns");
    test::writeFile(box.nsDir() + "/ipcns", "not a directory");
    try {
      box.pinner().pin(request("bad", "bad"));
      FAIL("pinned into a broken directory");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::Internal);
      CHECK(std::string(e.what()).find("pod bad") != std::string::npos);
    }
    CHECK(mountsBelow(box.nsDir()).size() == 1);
    CHECK_FALSE(std::filesystem::exists(box.nsDir() + "/netns/bad"));
    std::filesystem::remove(box.nsDir() + "/ipcns");
  }
  SUBCASE("the pause binary does not exist") {
    NamespacePinner broken(box.nsDir(), "/nonexistent/crix-conmon");
    try {
      broken.pin(request("nopause", "p").withPid(true));
      FAIL("pinned without a pause process");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::Internal);
      CHECK(std::string(e.what()).find("nopause") != std::string::npos);
      CHECK(std::string(e.what()).find("No such file") != std::string::npos);
    }
    CHECK(mountsBelow(box.nsDir()).size() == 1);
    CHECK(filesBelow(box.nsDir()).empty());
  }
  SUBCASE("the pause process cannot write its pid file") {
    std::filesystem::remove(box.nsDir() + "/pause");
    test::writeFile(box.nsDir() + "/pause", "not a directory");
    try {
      box.pinner().pin(request("nopidfile", "p").withPid(true));
      FAIL("pinned without a pid file");
    } catch (const Error& e) {
      CHECK(e.code() == StatusCode::Internal);
      CHECK(std::string(e.what()).find("Not a directory") != std::string::npos);
    }
    CHECK(mountsBelow(box.nsDir()).size() == 1);
    std::filesystem::remove(box.nsDir() + "/pause");
    CHECK(filesBelow(box.nsDir()).empty());
    // crix-conmon killed the pause process it had forked.
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      const std::string name = entry.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      const std::string cmdline = test::readFile(entry.path().string() + "/cmdline");
      if (cmdline.find("nopidfile") != std::string::npos) CHECK_FALSE(processRuns(std::stoi(name)));
    }
  }
  SUBCASE("the namespace directory cannot be created") {
    test::writeFile(box.nsDir() + "/../file", "x");
    NamespacePinner broken(box.nsDir() + "/../file/ns", kPauseBinary);
    try {
      broken.pin(request("nodir", ""));
      FAIL("pinned below a file");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("nodir") != std::string::npos);
    }
  }
}

TEST_CASE("pin/release: 200 cycles leave no mount, file or process behind") {
  PinnerSandbox box;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 200; ++i) {
    const std::string id = "cycle-" + std::to_string(i);
    box.pin(request(id, "c" + std::to_string(i)));
    box.pinner().release(id);
  }
  const auto took = std::chrono::steady_clock::now() - start;
  MESSAGE("200 pin/release cycles took " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
  CHECK(took < std::chrono::seconds(60));
  CHECK(mountsBelow(box.nsDir()).size() == 1);
  CHECK(filesBelow(box.nsDir()).empty());
  // Every forked child was reaped.
  int status;
  CHECK(::waitpid(-1, &status, WNOHANG) <= 0);
}

TEST_CASE("pin/release from several threads at once (the daemon serves RPCs in parallel)") {
  PinnerSandbox box;
  std::atomic<int> failures{0};
  std::mutex errorMutex;
  std::string firstError;  // doctest's macros are not for other threads
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        const std::string id = "t" + std::to_string(t) + "-" + std::to_string(i);
        try {
          box.pinner().pin(request(id, id).withPid(i % 5 == 0));
          box.pinner().release(id);
        } catch (const std::exception& e) {
          std::lock_guard lock(errorMutex);
          if (firstError.empty()) firstError = "pod " + id + ": " + e.what();
          ++failures;
        }
      }
    });
  for (auto& t : threads) t.join();
  INFO(firstError);
  CHECK(failures == 0);
  CHECK(mountsBelow(box.nsDir()).size() == 1);
  CHECK(filesBelow(box.nsDir()).empty());
}

// Streaming exec (ExecSession + AttachSocket) through crix-conmon in a
// running container, with the real runc.
#include <dirent.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <thread>
#include <filesystem>

#include "core/Error.h"
#include "oci/runtime/AttachSocket.h"
#include "oci/runtime/ExecSession.h"
#include "oci/runtime/ExecSync.h"
#include "tests/oci/runtime/MonitoredContainer.h"
#include "tests/support/TempDir.h"

using namespace crix;
using namespace crix::oci;
using namespace crix::oci::testing;
using namespace std::chrono_literals;

namespace {

struct Output {
  std::string out, err;
  bool ended = false;
};

// Reads packets until `text` shows up in stdout (or the end, or 10 s).
bool readUntil(int fd, Output& got, const std::string& text) {
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (!got.ended && got.out.find(text) == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    try {
      const auto packet = receiveAttachPacket(fd, left);
      if (!packet) {
        got.ended = true;
        break;
      }
      (packet->stream == AttachStream::Stderr ? got.err : got.out) += packet->data;
    } catch (const Error& e) {
      if (e.code() == StatusCode::DeadlineExceeded) return false;
      throw;
    }
  }
  return got.out.find(text) != std::string::npos;
}

bool readToEnd(int fd, Output& got) {
  readUntil(fd, got, std::string(1, '\0'));  // never in the output: reads to the end
  return got.ended;
}

size_t openFdCount() {
  size_t n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n;
}

// Children of this test process (crix-conmon must not be left behind).
std::vector<int> ownChildren() {
  std::vector<int> children;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    const int pid = std::stoi(name);
    if (parentPid(pid) == ::getpid()) children.push_back(pid);
  }
  return children;
}

struct Fixture {
  MonitoredContainer c{"sleep 300"};
  test::TempDir execDir{"crix-exec-session"};
  Fixture() { c.run(); }

  ExecSessionRequest request(std::vector<std::string> cmd, bool tty = false, bool withStdin = false) {
    ExecSessionRequest r;
    r.runtime = testRuntime(c.bundle);
    r.containerId = c.bundle.id();
    r.process = execProcessFromSpec(c.spec["process"], cmd, tty);
    r.stdin = withStdin;
    r.parentDir = execDir.path();
    return r;
  }
};

}  // namespace

TEST_SUITE_BEGIN("oci-runtime");

TEST_CASE("exec session: stdin echo with cat, end of input on half-close, exit code") {
  Fixture f;
  ExecSession exec(f.request({"/bin/sh", "-c", "cat; echo err >&2; exit 5"}, false, true));
  CHECK(exec.pid() > 0);
  CHECK_FALSE(exec.terminal());
  UniqueFd conn = connectAttachSocket(exec.attachPath());
  Output got;
  sendAttachInput(conn.get(), "hello\n");
  CHECK(readUntil(conn.get(), got, "hello\n"));
  closeAttachInput(conn.get());
  CHECK(readToEnd(conn.get(), got));
  CHECK(got.out == "hello\n");
  CHECK(got.err == "err\n");
  CHECK(exec.wait(10s) == 5);
  CHECK(exec.wait(0ms) == 5);  // remembered
}

TEST_CASE("exec session: a terminal resized by rows then columns") {
  Fixture f;
  ExecSession exec(f.request({"/bin/sh", "-c", "echo ready; read x; stty size"}, true, true));
  CHECK(exec.terminal());
  UniqueFd conn = connectAttachSocket(exec.attachPath());
  Output got;
  CHECK(readUntil(conn.get(), got, "ready\r\n"));
  exec.resize(33, 99);
  std::this_thread::sleep_for(200ms);
  sendAttachInput(conn.get(), "go\n");
  CHECK(readUntil(conn.get(), got, "33 99"));
  CHECK(readToEnd(conn.get(), got));
  CHECK(got.err.empty());
  CHECK(exec.wait(10s) == 0);
  // crix-conmon is gone: a late resize says so.
  CHECK_THROWS_AS(exec.resize(10, 10), Error);
}

TEST_CASE("exec session: a parent directory whose socket path is longer than sun_path") {
  Fixture f;
  const std::string deep = f.execDir / std::string(120, 'd');
  std::filesystem::create_directory(deep);
  auto req = f.request({"/bin/sh", "-c", "echo from-deep"});
  req.parentDir = deep;
  ExecSession exec(req);
  CHECK(exec.attachPath().size() > 108);
  UniqueFd conn = connectAttachSocket(exec.attachPath());
  Output got;
  CHECK(readToEnd(conn.get(), got));
  CHECK(got.out == "from-deep\n");
  CHECK(exec.wait(10s) == 0);
}

TEST_CASE("exec session: a missing executable is an Unknown error with runc's words, nothing left") {
  Fixture f;
  const auto childrenBefore = ownChildren();
  try {
    ExecSession exec(f.request({"/no/such/tool"}, false, true));
    FAIL("exec started");
  } catch (const Error& e) {
    CHECK(e.code() == StatusCode::Unknown);
    CHECK_MESSAGE(std::string(e.what()).find("exec failed") != std::string::npos, std::string(e.what()));
    CHECK_MESSAGE(std::string(e.what()).find("/no/such/tool") != std::string::npos, std::string(e.what()));
  }
  CHECK(std::filesystem::is_empty(f.execDir.path()));
  CHECK(ownChildren() == childrenBefore);
}

TEST_CASE("exec session: kill(), the client leaving, and the destructor each end the process") {
  Fixture f;
  const auto childrenBefore = ownChildren();
  const size_t fdsBefore = openFdCount();

  SUBCASE("kill() ends it with 137") {
    auto req = f.request({"/bin/sh", "-c", "sleep 1000 & sleep 1000"});
    req.killOnDetach = false;
    ExecSession exec(req);
    CHECK_FALSE(exec.wait(300ms).has_value());
    exec.kill();
    CHECK(exec.wait(15s) == 128 + SIGKILL);
  }
  SUBCASE("the last client closing kills it (killOnDetach)") {
    ExecSession exec(f.request({"/bin/sh", "-c", "echo up; sleep 1000"}));
    {
      UniqueFd conn = connectAttachSocket(exec.attachPath());
      Output got;
      CHECK(readUntil(conn.get(), got, "up\n"));
    }
    CHECK(exec.wait(15s) == 128 + SIGKILL);
  }
  SUBCASE("the destructor kills a running exec") {
    int pid = 0;
    {
      auto req = f.request({"/bin/sh", "-c", "sleep 1000"});
      req.killOnDetach = false;
      ExecSession exec(req);
      pid = exec.pid();
      CHECK(processAlive(pid));
    }
    CHECK(waitUntil([&] { return !processAlive(pid); }, 5s));
  }
  // Nothing left: no crix-conmon, no fd, no file, only the container's process.
  CHECK(ownChildren() == childrenBefore);
  CHECK(openFdCount() == fdsBefore);
  CHECK(std::filesystem::is_empty(f.execDir.path()));
  std::string cgroup = f.c.bundle.cgroupDir("memory");
  if (cgroup.empty()) cgroup = f.c.bundle.cgroupDir("");  // cgroup v2
  const std::string procs = test::readFile(cgroup + "/cgroup.procs");
  CHECK_MESSAGE(std::count(procs.begin(), procs.end(), '\n') == 1, procs);
}

TEST_SUITE_END();

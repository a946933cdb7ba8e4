// What the crix-conmon tests share: a busybox bundle run by the real runc
// under a private runc root and a unique cgroup, crix-conmon started as a
// child with a sync pipe, and an attach socket client. Everything is torn
// down (runc delete --force, cgroups, crix-conmon, temp files) whatever the
// test's outcome, and every wait is bounded.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/TempDir.h"

namespace crix::conmon::test {

using namespace std::chrono_literals;
using Millis = std::chrono::milliseconds;

inline constexpr const char* kRunc = "/usr/sbin/runc";
inline constexpr const char* kConmon = CRIX_CONMON_BINARY;

struct BundleSpec {
  std::vector<std::string> args;
  bool terminal = false;
  int64_t memoryLimitBytes = 0;  // 0: none
};

// Polls `condition` every 20 ms until it holds or `timeout` passes.
bool waitUntil(const std::function<bool()>& condition, Millis timeout = 10s);
std::string slurp(const std::string& path);
bool exists(const std::string& path);

class TestContainer {
 public:
  explicit TestContainer(const BundleSpec& spec, const std::string& dirPrefix = "crix-conmon-test");
  ~TestContainer();
  TestContainer(const TestContainer&) = delete;
  TestContainer& operator=(const TestContainer&) = delete;

  // Runs crix-conmon in create mode for this bundle (plus `extraArgs`) and
  // returns the line it reports on the sync fd ("" when none came in time).
  std::string create(const std::vector<std::string>& extraArgs = {});
  // The pid from a {"pid": N} sync line, or -1.
  static pid_t pidFrom(const std::string& syncLine);

  // runc with this test's --root.
  std::vector<std::string> runc(std::vector<std::string> args) const;
  std::string runcState() const;  // "created", "running", "stopped" or ""
  void start() const;             // runc start; fails the test when it fails

  // Waits for crix-conmon to exit; its exit code, or nullopt on timeout.
  std::optional<int> waitConmonExit(Millis timeout = 15s);
  pid_t conmonPid() const { return conmonPid_; }
  // Waits for the exit file and parses it.
  nlohmann::json exitReport(Millis timeout = 15s) const;
  // Waits until the log contains `text`; returns the log.
  std::string waitForLog(const std::string& text, Millis timeout = 10s) const;
  // The log's entries: each line's stream, tag and message.
  struct LogEntry {
    std::string stream, tag, message;
  };
  static std::vector<LogEntry> parseLog(const std::string& text);
  // Pids left in the container's memory cgroup.
  std::vector<pid_t> cgroupProcesses() const;
  std::string diagnostics() const { return slurp(diagFile); }

  // Runs crix-conmon in exec mode in this container and waits for it to end.
  struct ExecResult {
    int conmonExitCode = -1;
    nlohmann::json report;
    std::string out, err;
  };
  ExecResult exec(const std::vector<std::string>& args, const std::vector<std::string>& extraArgs = {},
                  bool terminal = false, Millis timeout = 30s);

  // The OCI process of an exec of `args` in this container.
  nlohmann::json execProcess(const std::vector<std::string>& args, bool terminal) const;

  crix::test::TempDir dir;
  std::string id, cgroupName, bundle, runcRoot;
  std::string logFile, exitFile, attachSocket, ctlFifo, pidFile, diagFile;

 private:
  nlohmann::json processSpec_;
  pid_t conmonPid_ = -1;
};

// crix-conmon in streaming exec mode (--attach-socket, --ctl-fifo) as a
// child of the test, started at construction; the sync line is read by then.
// The destructor kills a crix-conmon still running (and the exec with it,
// through the control FIFO's kill first) and reaps it.
class StreamingExec {
 public:
  StreamingExec(TestContainer& container, const std::vector<std::string>& args,
                const std::vector<std::string>& extraArgs = {}, bool terminal = false);
  ~StreamingExec();
  StreamingExec(const StreamingExec&) = delete;
  StreamingExec& operator=(const StreamingExec&) = delete;

  pid_t pid() const { return TestContainer::pidFrom(syncLine); }
  std::optional<int> waitConmonExit(Millis timeout = 15s);
  nlohmann::json exitReport(Millis timeout = 15s) const;
  std::string diagnostics() const { return slurp(diagFile); }

  std::string syncLine;
  std::string processFile, attachSocket, ctlFifo, exitFile, diagFile;

 private:
  pid_t conmonPid_ = -1;
};

class AttachClient {
 public:
  explicit AttachClient(const std::string& socketPath);
  ~AttachClient();
  AttachClient(const AttachClient&) = delete;
  AttachClient& operator=(const AttachClient&) = delete;

  void send(const std::string& data);
  void closeWrite();  // end of this client's input
  // Reads until crix-conmon closes the connection; false on timeout.
  bool waitForEnd(Millis timeout = 10s);
  // Reads packets until the stream's output contains `text`.
  bool waitFor(const std::string& text, int stream = 2, Millis timeout = 10s);
  std::string out, err;

 private:
  void readPackets(int timeoutMs);
  int fd_ = -1;
  bool ended_ = false;
};

// Connects to a unix socket whose path may exceed sun_path.
int connectLongPath(const std::string& path, int type);

// Forks and executes argv with stdout and stderr appended to `diagFile` and
// the write end of a pipe as fd 3, and returns the first line read from the
// pipe within 30 s ("" when none came). `pid` is the child's.
std::string runWithSyncFd(const std::vector<std::string>& argv, const std::string& diagFile, pid_t& pid);

}  // namespace crix::conmon::test

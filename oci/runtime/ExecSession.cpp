#include "oci/runtime/ExecSession.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "core/ChildExec.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/UniqueFd.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/ExitFile.h"
#include "oci/runtime/MonitorLauncher.h"

namespace crix::oci {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kChildSyncFd = 3;
// After a kill request crix-conmon waits up to 5 s for the killed processes.
constexpr std::chrono::seconds kMonitorEndAfterKill{10};
// A crix-conmon that reported an error exits at once.
constexpr std::chrono::seconds kMonitorEndAfterError{10};

UniqueFd openOrThrow(const std::string& path, int flags, mode_t mode = 0600) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
  if (!fd) throw Error::fromErrno("open " + path, errno);
  return fd;
}

void writeFileOrThrow(const std::string& path, const std::string& text) {
  UniqueFd fd = openOrThrow(path, O_WRONLY | O_CREAT | O_TRUNC);
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd.get(), text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw Error::fromErrno("write " + path, errno);
    done += static_cast<std::size_t>(n);
  }
}


std::vector<std::string> monitorExecArgv(const ExecSessionRequest& r, const PrivateDirectory& dir,
                                         bool terminal) {
  std::vector<std::string> a = {r.runtime.monitorPath, "exec",      "--cid",
                                r.containerId,         "--runtime", r.runtime.runtimePath};
  if (!r.runtime.runtimeRoot.empty()) a.insert(a.end(), {"--runtime-root", r.runtime.runtimeRoot});
  a.insert(a.end(), {"--process", dir / "process.json", "--exit-file", dir / "exit", "--pid-file",
                     dir / "pid", "--attach-socket", dir / "attach", "--ctl-fifo", dir / "ctl",
                     "--sync-fd", std::to_string(kChildSyncFd)});
  if (terminal) a.push_back("--terminal");
  if (r.stdin) a.push_back("--stdin");
  if (r.killOnDetach) a.push_back("--kill-on-detach");
  return a;
}

}  // namespace

ExecSession::ExecSession(const ExecSessionRequest& r)
    : dir_(r.parentDir.empty() ? throw Error::invalidArgument("exec session: no parent directory")
                               : r.parentDir,
           "exec") {
  if (r.containerId.empty()) throw Error::invalidArgument("exec session: no container id");
  if (!r.process.is_object() || !r.process.contains("args") || !r.process["args"].is_array() ||
      r.process["args"].empty())
    throw Error::invalidArgument("exec in container " + r.containerId + ": the command is empty");
  terminal_ = r.process.value("terminal", false);
  attachPath_ = dir_ / "attach";
  ctlFifo_ = dir_ / "ctl";
  exitFile_ = dir_ / "exit";
  stderrFile_ = dir_ / "conmon.stderr";
  writeFileOrThrow(dir_ / "process.json", r.process.dump());

  // Everything the child uses is made before fork: after it only
  // async-signal-safe calls are allowed (other threads may hold malloc's lock).
  const ExecArgs args(monitorExecArgv(r, dir_, terminal_), monitorEnvironment(r.runtime));
  UniqueFd devNull = fdAtLeast(openOrThrow("/dev/null", O_RDWR), kChildSyncFd + 1);
  UniqueFd stderrFd =
      fdAtLeast(openOrThrow(stderrFile_, O_WRONLY | O_CREAT | O_APPEND), kChildSyncFd + 1);
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::fromErrno("pipe for crix-conmon", errno);
  UniqueFd syncRead(fds[0]);
  UniqueFd syncWrite = fdAtLeast(UniqueFd(fds[1]), kChildSyncFd + 1);
  const std::string execFailure = "cannot execute " + r.runtime.monitorPath + ": ";

  const pid_t child = ::fork();
  if (child < 0) throw Error::fromErrno("fork for crix-conmon", errno);
  if (child == 0) {
    // Its own session: a signal to the daemon's process group (a Ctrl-C in a
    // foreground daemon's terminal) must not reach the exec.
    ::setsid();
    resetSignalsInChild();
    if (!dupForExecInChild(devNull.get(), 0) || !dupForExecInChild(devNull.get(), 1) ||
        !dupForExecInChild(stderrFd.get(), 2) || !dupForExecInChild(syncWrite.get(), kChildSyncFd)) {
      ::_exit(126);
    }
    closeFdsFromInChild(kChildSyncFd + 1);
    ::execve(args.path(), args.argv(), args.envp());
    reportErrnoInChild(2, execFailure.c_str(), errno, "\n");
    ::_exit(127);
  }
  monitor_.adopt(child);
  syncWrite.reset();
  devNull.reset();
  stderrFd.reset();

  const auto line = readSyncLine(syncRead.get(), Clock::now() + r.startTimeout);
  const std::string where = "exec in container " + r.containerId;
  if (!line) {
    monitor_.killAndReap();
    throw Error(StatusCode::DeadlineExceeded, where + ": crix-conmon did not report within " +
                                                  std::to_string(r.startTimeout.count()) +
                                                  " s and was killed");
  }
  if (line->empty()) {
    monitor_.wait(kMonitorEndAfterError);
    const std::string tail = fileTail(stderrFile_);
    throw Error(StatusCode::Unknown,
                where + ": crix-conmon exited without reporting" + (tail.empty() ? "" : ": " + tail));
  }
  nlohmann::json report;
  try {
    report = nlohmann::json::parse(*line);
  } catch (const nlohmann::json::exception&) {
    throw Error::internal(where + ": crix-conmon reported what is not JSON: " + line->substr(0, 512));
  }
  if (report.contains("error")) {
    const std::string text =
        report["error"].is_string() ? report["error"].get<std::string>() : report["error"].dump();
    monitor_.wait(kMonitorEndAfterError);
    throw Error(StatusCode::Unknown, "exec failed: " + text);
  }
  if (!report.contains("pid") || !report["pid"].is_number_integer() || report["pid"].get<int>() <= 0)
    throw Error::internal(where + ": crix-conmon reported no pid: " + line->substr(0, 512));
  pid_ = report["pid"].get<int>();
  log::debug(where, ": pid ", pid_, ", crix-conmon pid ", child, ", attach socket ", attachPath_);
}

ExecSession::~ExecSession() {
  kill();
  if (!monitor_.wait(kMonitorEndAfterKill))
    log::warn("crix-conmon ", monitor_.pid(), " of exec ", pid_, " did not end after a kill request; killing it");
  // Members then: crix-conmon SIGKILLed and reaped if it still runs, the
  // directory removed.
  const std::string diagnostics = fileTail(stderrFile_);
  if (!diagnostics.empty()) log::info("crix-conmon of exec ", pid_, ": ", diagnostics);
}

void ExecSession::resize(unsigned rows, unsigned columns) { resizeTerminal(ctlFifo_, rows, columns); }

void ExecSession::kill() {
  if (monitor_.wait(std::chrono::milliseconds(0))) return;
  try {
    sendControl(ctlFifo_, 3, 0, 0);
  } catch (const Error& e) {
    // crix-conmon is ending on its own: nothing left to kill.
    log::debug("exec ", pid_, ": kill request not delivered: ", e.what());
  }
}

std::optional<int> ExecSession::wait(std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(resultMutex_);
    if (exitCode_) return exitCode_;
  }
  const auto status = monitor_.wait(timeout);
  if (!status) return std::nullopt;
  const auto record = readExitFile(exitFile_);
  if (!record) {
    const std::string tail = fileTail(stderrFile_);
    const std::string how = WIFSIGNALED(*status) ? "was killed by signal " + std::to_string(WTERMSIG(*status))
                                                 : "exited with " + std::to_string(WEXITSTATUS(*status));
    throw Error::internal("exec " + std::to_string(pid_) + ": crix-conmon " + how +
                          " without an exit file" + (tail.empty() ? "" : ": " + tail));
  }
  if (!record->error.empty()) throw Error(StatusCode::Unknown, "exec failed: " + record->error);
  std::lock_guard lock(resultMutex_);
  exitCode_ = record->exitCode;
  return exitCode_;
}

}  // namespace crix::oci

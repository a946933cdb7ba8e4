#include "conmon/ExecSession.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "conmon/ConsoleSocket.h"
#include "conmon/Diag.h"
#include "conmon/EventLoop.h"
#include "conmon/Failure.h"
#include "conmon/JsonLine.h"
#include "conmon/OutputReader.h"
#include "conmon/Pipe.h"
#include "conmon/ProcessTree.h"
#include "conmon/Reaper.h"
#include "conmon/Reports.h"
#include "conmon/RuntimeCommand.h"
#include "conmon/RuntimeRun.h"
#include "conmon/ScratchDir.h"
#include "conmon/Signals.h"
#include "conmon/Spawn.h"
#include "conmon/Text.h"

namespace crix::conmon {
namespace {

using Clock = std::chrono::steady_clock;

// After the kill, how long the killed process and its output may take to end.
constexpr int kAfterKillMs = 5000;

UniqueFd openOutputFile(const std::string& path) {
  if (path.empty()) return {};
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) failErrno("open " + path);
  return fd;
}

class ExecSession final : public OutputSink {
 public:
  ExecSession(const Options& o, SyncChannel& sync)
      : o_(o), sync_(sync), stdoutFile_(openOutputFile(o.stdoutFile)), stderrFile_(openOutputFile(o.stderrFile)) {}

  int run();

 private:
  void start();
  void wait();
  void writeExitFile(const std::string& error);
  void checkExit();
  void onSignal(uint32_t);
  void onDeadline(uint32_t);
  bool outputOpen() const { return (stdout_ && stdout_->open()) || (stderr_ && stderr_->open()); }
  void onOutput(Stream stream, char* data, size_t size) override;

  const Options& o_;
  SyncChannel& sync_;
  SignalChannel signals_;
  Reaper reaper_;
  EventLoop loop_;
  ScratchDir scratch_;
  UniqueFd stdoutFile_, stderrFile_;
  std::optional<Clock::time_point> deadline_;
  std::optional<OutputReader> stdout_, stderr_;
  UniqueFd stdoutRead_, stderrRead_, terminal_;
  std::vector<FileIdentity> outputFiles_;  // what the exec's processes write to

  pid_t pid_ = -1;
  ino_t pidNamespace_ = 0;
  std::optional<ChildExit> exit_;
  bool timedOut_ = false;
  bool killWaitOver_ = false;
  MemberWatcher<ExecSession, &ExecSession::onSignal> signalWatcher_{this};
  MemberWatcher<ExecSession, &ExecSession::onDeadline> deadlineWatcher_{this};
  std::optional<Timer> deadlineTimer_;
};

int ExecSession::run() {
  if (o_.timeoutSeconds > 0) deadline_ = Clock::now() + std::chrono::seconds(o_.timeoutSeconds);
  try {
    start();
  } catch (const Error& e) {
    diag::error(e.what());
    if (sync_.open()) sync_.reportError(e.what());
    writeExitFile(e.what());
    return 1;
  }
  wait();
  writeExitFile({});
  return 0;
}

void ExecSession::start() {
  const std::string pidFile = o_.pidFile.empty() ? scratch_.file("exec.pid") : o_.pidFile;
  std::optional<ConsoleSocket> console;
  if (o_.terminal) console.emplace(scratch_.file("console.sock"));

  // With a terminal, the runtime's stderr is still a pipe: its errors.
  Pipe stderrPipe;
  std::optional<Pipe> stdoutPipe;
  if (!console) stdoutPipe.emplace();
  outputFiles_.push_back(identityOf(stderrPipe.read.get()));
  if (stdoutPipe) outputFiles_.push_back(identityOf(stdoutPipe->read.get()));

  ChildStdio stdio;
  stdio.out = stdoutPipe ? stdoutPipe->write.get() : -1;
  stdio.err = stderrPipe.write.get();
  const pid_t runtime = spawn(runtimeExecCommand(o_, pidFile, console ? console->path() : ""), stdio);
  stderrPipe.write.reset();
  stderrRead_ = std::move(stderrPipe.read);
  if (stdoutPipe) {
    stdoutPipe->write.reset();
    stdoutRead_ = std::move(stdoutPipe->read);
  }

  RuntimeOutcome outcome = awaitRuntime(runtime, signals_, reaper_, console ? &*console : nullptr, deadline_);
  if (outcome.timedOut) {
    timedOut_ = true;
    // The process may have started before the runtime was killed.
    if (::access(pidFile.c_str(), F_OK) == 0) {
      const pid_t started = readPidFile(pidFile);
      killProcessTree(started, outputFiles_, pidNamespaceOf(started));
    }
    fail("timed out waiting for the runtime to start the process");
  }
  if (exitCodeOf(outcome.waitStatus) != 0) {
    std::string message = collectRuntimeError(stderrRead_.get());
    if (message.empty()) message = "the runtime's exec failed with exit code " + std::to_string(exitCodeOf(outcome.waitStatus));
    fail(message);
  }
  pid_ = readPidFile(pidFile);
  reaper_.watch(pid_);
  pidNamespace_ = pidNamespaceOf(pid_);
  if (console) {
    if (!outcome.terminal) fail("the runtime started the process without sending its terminal");
    terminal_ = std::move(outcome.terminal);
    // The processes hold the terminal's other side; find it by that.
    UniqueFd peer(::ioctl(terminal_.get(), TIOCGPTPEER, O_RDONLY | O_NOCTTY | O_CLOEXEC));
    if (peer) outputFiles_.push_back(identityOf(peer.get()));
  }
  diag::info("exec started with pid ", Decimal(pid_));
  sync_.reportPid(pid_);
}

void ExecSession::wait() {
  loop_.add(signals_.fd(), EPOLLIN, &signalWatcher_);
  deadlineTimer_.emplace(loop_, deadlineWatcher_);
  if (deadline_) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline_ - Clock::now());
    deadlineTimer_->startMs(left.count());
  }
  if (terminal_) stdout_.emplace(loop_, std::move(terminal_), Stream::Stdout, true, *this);
  else stdout_.emplace(loop_, std::move(stdoutRead_), Stream::Stdout, false, *this);
  stderr_.emplace(loop_, std::move(stderrRead_), Stream::Stderr, false, *this);

  // Like conmon: the exec is over when its process has exited and nothing
  // holds its output open any more (a background child writing to it keeps
  // it going, up to the timeout).
  checkExit();
  while (!(exit_ && !outputOpen()) && !killWaitOver_) loop_.runOnce(-1);
  stdout_->drain();
  stderr_->drain();
}

void ExecSession::checkExit() {
  reaper_.reapAll();
  if (exit_) return;
  exit_ = reaper_.take(pid_);
  if (!exit_) return;
  diag::info("exec process exited with code ", Decimal(exitCodeOf(exit_->waitStatus)));
  stdout_->setFinal();
  stderr_->setFinal();
}

void ExecSession::onSignal(uint32_t) {
  while (const auto sig = signals_.next()) {
    if (isTerminationSignal(*sig) && !exit_) ::kill(pid_, *sig);
  }
  checkExit();
}

void ExecSession::onDeadline(uint32_t) {
  if (timedOut_) {
    diag::warn("the killed exec did not end in time");
    killWaitOver_ = true;
    return;
  }
  timedOut_ = true;
  // Once reaped, the pid may belong to someone else already: then only the
  // holders of the output are looked for.
  const size_t killed = killProcessTree(exit_ ? -1 : pid_, outputFiles_, pidNamespace_);
  diag::info("exec timed out after ", Decimal(o_.timeoutSeconds), "s; killed ", Decimal(static_cast<long long>(killed)),
             " processes");
  // Nothing holds the output now; what remains buffered is read, then done.
  stdout_->setFinal();
  stderr_->setFinal();
  deadlineTimer_->startMs(kAfterKillMs);
}

void ExecSession::onOutput(Stream stream, char* data, size_t size) {
  const UniqueFd& file = stream == Stream::Stdout ? stdoutFile_ : stderrFile_;
  if (!file) return;
  while (size > 0) {
    const ssize_t n = ::write(file.get(), data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      diag::warn("writing the exec's ", streamName(stream), ": ", diag::errnoText(errno));
      return;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void ExecSession::writeExitFile(const std::string& error) {
  JsonLine report;
  if (exit_) {
    report.addInt("exit_code", exitCodeOf(exit_->waitStatus)).addInt("signal", signalOf(exit_->waitStatus));
  } else {
    report.addInt("exit_code", -1).addInt("signal", 0);
  }
  report.addBool("timed_out", timedOut_).addInt("finished_at_nanos", exit_ ? exit_->reapedAtNanos : realtimeNanos());
  if (!error.empty()) report.addString("error", error);
  writeFileAtomically(o_.exitFile, report.text());
}

}  // namespace

int runExecMode(const Options& options) {
  SyncChannel sync(options.syncFd);
  try {
    ExecSession session(options, sync);
    return session.run();
  } catch (const Error& e) {
    // Failed before the session could report for itself (or writing the exit
    // file failed, and this attempt will too, but says so on stderr).
    diag::error(e.what());
    if (sync.open()) sync.reportError(e.what());
    reportFailureInExitFile(options.exitFile, e.what());
    return 1;
  }
}

}  // namespace crix::conmon

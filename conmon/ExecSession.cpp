#include "conmon/ExecSession.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "conmon/AttachServer.h"
#include "conmon/ConsoleSocket.h"
#include "conmon/ContainerStdin.h"
#include "conmon/ControlFifo.h"
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
// Streaming: output before the first client connects is kept up to this much.
constexpr size_t kEarlyOutputBytes = 4 * 1024 * 1024;
// Streaming: how long the first client may take to connect. A process that
// ended meanwhile keeps its output for it that long; with --kill-on-detach a
// client that never comes counts as one that went away.
constexpr int kFirstClientWaitMs = 60 * 1000;

UniqueFd duplicate(int fd) {
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  if (!copy) failErrno("dup the terminal");
  return copy;
}

UniqueFd openOutputFile(const std::string& path) {
  if (path.empty()) return {};
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) failErrno("open " + path);
  return fd;
}

class ExecSession final : public OutputSink, public ControlListener {
 public:
  ExecSession(const Options& o, SyncChannel& sync)
      : o_(o), sync_(sync), stdoutFile_(openOutputFile(o.stdoutFile)), stderrFile_(openOutputFile(o.stderrFile)) {
    // Made before the runtime runs: a client may connect as soon as the pid
    // is reported, and a socket that cannot be made is a start failure.
    if (o.streaming()) {
      attach_.emplace(loop_, o.attachSocket);
      attach_->keepEarlyOutput(kEarlyOutputBytes);
      control_.emplace(loop_, o.ctlFifo, *this);
    }
  }

  int run();

 private:
  void start();
  void wait();
  void writeExitFile(const std::string& error);
  void checkExit();
  void onSignal(uint32_t);
  void onDeadline(uint32_t);
  void onFirstClientWaitOver(uint32_t);
  void killAll(const char* why);
  void checkDetached();
  bool over() const { return (exit_ && !outputOpen()) || killWaitOver_; }
  bool outputOpen() const { return (stdout_ && stdout_->open()) || (stderr_ && stderr_->open()); }
  void onOutput(Stream stream, char* data, size_t size) override;
  void onResize(unsigned rows, unsigned columns) override;
  int onReopenLog() override { return 0; }  // no log of its own
  void onKill() override;

  const Options& o_;
  SyncChannel& sync_;
  SignalChannel signals_;
  Reaper reaper_;
  EventLoop loop_;
  ScratchDir scratch_;
  UniqueFd stdoutFile_, stderrFile_;
  std::optional<Clock::time_point> deadline_;
  std::optional<OutputReader> stdout_, stderr_;
  UniqueFd stdoutRead_, stderrRead_, terminal_, stdinWrite_;
  std::optional<AttachServer> attach_;
  std::optional<ControlFifo> control_;
  std::optional<ContainerStdin> stdin_;
  std::vector<FileIdentity> outputFiles_;  // what the exec's processes write to

  pid_t pid_ = -1;
  ino_t pidNamespace_ = 0;
  std::optional<ChildExit> exit_;
  bool timedOut_ = false;
  bool killed_ = false;  // by the timeout, a kill request or the clients leaving
  bool killWaitOver_ = false;
  bool firstClientWaitOver_ = false;
  MemberWatcher<ExecSession, &ExecSession::onSignal> signalWatcher_{this};
  MemberWatcher<ExecSession, &ExecSession::onDeadline> deadlineWatcher_{this};
  MemberWatcher<ExecSession, &ExecSession::onFirstClientWaitOver> firstClientWatcher_{this};
  std::optional<Timer> deadlineTimer_;
  std::optional<Timer> firstClientTimer_;
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
  std::optional<Pipe> stdoutPipe, stdinPipe;
  if (!console) stdoutPipe.emplace();
  // Detached and without a terminal, the runtime hands its own stdio to the
  // process: a stdin pipe given to it becomes the process's stdin.
  if (!console && o_.withStdin) stdinPipe.emplace();
  outputFiles_.push_back(identityOf(stderrPipe.read.get()));
  if (stdoutPipe) outputFiles_.push_back(identityOf(stdoutPipe->read.get()));
  if (stdinPipe) outputFiles_.push_back(identityOf(stdinPipe->write.get()));

  ChildStdio stdio;
  stdio.in = stdinPipe ? stdinPipe->read.get() : -1;
  stdio.out = stdoutPipe ? stdoutPipe->write.get() : -1;
  stdio.err = stderrPipe.write.get();
  const pid_t runtime = spawn(runtimeExecCommand(o_, pidFile, console ? console->path() : ""), stdio);
  stderrPipe.write.reset();
  if (stdinPipe) {
    stdinPipe->read.reset();
    stdinWrite_ = std::move(stdinPipe->write);
  }
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
  // Reading, writing and resizing a terminal each get their own fd, so that
  // closing one (stdin-once, a finished reader) leaves the others working.
  if (terminal_) stdout_.emplace(loop_, duplicate(terminal_.get()), Stream::Stdout, true, *this);
  else stdout_.emplace(loop_, std::move(stdoutRead_), Stream::Stdout, false, *this);
  stderr_.emplace(loop_, std::move(stderrRead_), Stream::Stderr, false, *this);
  if (attach_) {
    if (o_.withStdin) {
      if (terminal_) stdin_.emplace(loop_, duplicate(terminal_.get()), *attach_);
      else stdin_.emplace(loop_, std::move(stdinWrite_), *attach_);
    }
    // An exec is always stdin-once: its input is the first client's.
    attach_->connectStdin(stdin_ ? &*stdin_ : nullptr, true);
    firstClientTimer_.emplace(loop_, firstClientWatcher_);
    firstClientTimer_->startMs(kFirstClientWaitMs);
  }

  // Like conmon: the exec is over when its process has exited and nothing
  // holds its output open any more (a background child writing to it keeps
  // it going, up to the timeout). A streaming exec also waits (bounded) for
  // its first client, who is owed the output.
  checkExit();
  while (!over() || (attach_ && !attach_->everConnected() && !firstClientWaitOver_)) {
    loop_.runOnce(-1);
    if (attach_) {
      attach_->sweep();
      checkDetached();
    }
  }
  stdout_->drain();
  stderr_->drain();
}

void ExecSession::checkDetached() {
  if (!o_.killOnDetach || killed_ || over()) return;
  if (attach_->everConnected() && attach_->clientCount() == 0) killAll("its attach clients went away");
}

void ExecSession::onFirstClientWaitOver(uint32_t) {
  firstClientWaitOver_ = true;
  if (attach_->everConnected()) return;
  diag::warn("no attach client connected within ", Decimal(kFirstClientWaitMs / 1000), "s");
  if (o_.killOnDetach && !killed_ && !over()) killAll("no attach client came");
}

void ExecSession::onKill() {
  // Whoever asks for the kill will not come for the output any more.
  firstClientWaitOver_ = true;
  if (!killed_ && !over()) killAll("the daemon asked");
}

void ExecSession::onResize(unsigned rows, unsigned columns) {
  if (!terminal_) {
    diag::debug("resize request for an exec without a terminal");
    return;
  }
  setTerminalSize(terminal_.get(), rows, columns);
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
  if (killed_) {
    diag::warn("the killed exec did not end in time");
    killWaitOver_ = true;
    return;
  }
  timedOut_ = true;
  killAll("it timed out");
}

void ExecSession::killAll(const char* why) {
  killed_ = true;
  // Once reaped, the pid may belong to someone else already: then only the
  // holders of the output are looked for.
  const size_t killed = killProcessTree(exit_ ? -1 : pid_, outputFiles_, pidNamespace_);
  diag::info("killed the exec's ", Decimal(static_cast<long long>(killed)), " processes: ", why);
  // Nothing holds the output now; what remains buffered is read, then done.
  stdout_->setFinal();
  stderr_->setFinal();
  // Replaces the timeout, if one was pending: from now on it is the bound on
  // the killed processes' ending.
  deadlineTimer_->startMs(kAfterKillMs);
}

void ExecSession::onOutput(Stream stream, char* data, size_t size) {
  if (attach_) {
    attach_->broadcast(stream, data, size);
    return;
  }
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

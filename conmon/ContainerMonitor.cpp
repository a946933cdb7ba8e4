#include "conmon/ContainerMonitor.h"

#include <fcntl.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include "conmon/AttachServer.h"
#include "conmon/ConsoleSocket.h"
#include "conmon/ContainerStdin.h"
#include "conmon/ControlFifo.h"
#include "conmon/CriLogWriter.h"
#include "conmon/Diag.h"
#include "conmon/EventLoop.h"
#include "conmon/Failure.h"
#include "conmon/JsonLine.h"
#include "conmon/OomCounter.h"
#include "conmon/OutputReader.h"
#include "conmon/Pipe.h"
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

// Once the container process is reaped, the rest of its output normally ends
// at once (its pid namespace died with it); a process outside that keeps the
// pipes open is not waited for longer than this.
constexpr int kOutputGraceMs = 2000;

UniqueFd duplicate(int fd) {
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
  if (!copy) failErrno("dup the terminal");
  return copy;
}

class ContainerMonitor final : public OutputSink, public ControlListener {
 public:
  ContainerMonitor(const Options& o, SyncChannel& sync)
      : o_(o), sync_(sync), log_(o.logPath, o.logSizeMax), attach_(loop_, o.attachSocket), control_(loop_, o.ctlFifo, *this) {}

  int run();

 private:
  void createContainer();
  void monitor();
  void finish(const std::string& error);
  void onSignal(uint32_t);
  void checkExit();
  void onGraceOver(uint32_t) { graceOver_ = true; }
  bool outputOpen() const { return (stdout_ && stdout_->open()) || (stderr_ && stderr_->open()); }

  void onOutput(Stream stream, char* data, size_t size) override {
    log_.write(stream, data, size);
    attach_.broadcast(stream, data, size);
  }
  void onResize(unsigned rows, unsigned columns) override;
  int onReopenLog() override { return log_.reopen(); }

  const Options& o_;
  SyncChannel& sync_;
  SignalChannel signals_;
  Reaper reaper_;
  EventLoop loop_;
  CriLogWriter log_;
  AttachServer attach_;
  ControlFifo control_;

  Pipe stdoutPipe_, stderrPipe_;
  std::optional<Pipe> stdinPipe_;
  UniqueFd terminal_;
  std::optional<ContainerStdin> stdin_;
  std::optional<OutputReader> stdout_, stderr_;

  pid_t pid_ = -1;
  std::optional<ChildExit> exit_;
  OomCounter oom_;
  bool graceOver_ = false;
  MemberWatcher<ContainerMonitor, &ContainerMonitor::onSignal> signalWatcher_{this};
  MemberWatcher<ContainerMonitor, &ContainerMonitor::onGraceOver> graceWatcher_{this};
  std::optional<Timer> grace_;
};

int ContainerMonitor::run() {
  createContainer();  // throws to the caller, which reports on the sync fd
  try {
    monitor();
    finish({});
    return 0;
  } catch (const Error& e) {
    // Nobody could see the container's output or its end any more: stop it
    // rather than leave it unwatched, and say why in the exit file.
    diag::error(e.what());
    if (!exit_) ::kill(pid_, SIGKILL);  // once reaped, the pid may be someone else's
    for (int i = 0; i < 50 && !exit_; ++i) {
      ::usleep(100 * 1000);
      reaper_.reapAll();
      exit_ = reaper_.take(pid_);
    }
    finish(std::string("crix-conmon: ") + e.what());
    return 1;
  }
}

void ContainerMonitor::createContainer() {
  const bool terminal = o_.terminal;
  if (o_.withStdin && !terminal) stdinPipe_.emplace();

  std::optional<ScratchDir> scratch;
  std::optional<ConsoleSocket> console;
  if (terminal) {
    scratch.emplace();
    console.emplace(scratch->file("console.sock"));
  }
  // With a terminal the container's stdio is the pty; the runtime's stderr
  // still comes through the stderr pipe, and with it its error messages.
  ChildStdio stdio;
  stdio.in = stdinPipe_ ? stdinPipe_->read.get() : -1;
  stdio.out = terminal ? -1 : stdoutPipe_.write.get();
  stdio.err = stderrPipe_.write.get();
  const pid_t runtime = spawn(runtimeCreateCommand(o_, console ? console->path() : ""), stdio);
  // Only the container holds the writing ends now: they reach end of file
  // when it is gone.
  stdoutPipe_.write.reset();
  stderrPipe_.write.reset();
  if (stdinPipe_) stdinPipe_->read.reset();

  RuntimeOutcome outcome = awaitRuntime(runtime, signals_, reaper_, console ? &*console : nullptr, std::nullopt);
  if (exitCodeOf(outcome.waitStatus) != 0) {
    std::string message = collectRuntimeError(stderrPipe_.read.get());
    if (message.empty()) message = "the runtime's create failed with exit code " + std::to_string(exitCodeOf(outcome.waitStatus));
    fail(message);
  }
  pid_ = readPidFile(o_.pidFile);
  reaper_.watch(pid_);
  if (terminal && !outcome.terminal) fail("the runtime created the container without sending its terminal");
  terminal_ = std::move(outcome.terminal);
  oom_ = OomCounter::watch(pid_, o_.cgroupPath);
  diag::info("container created with pid ", Decimal(pid_));
  sync_.reportPid(pid_);
}

void ContainerMonitor::monitor() {
  loop_.add(signals_.fd(), EPOLLIN, &signalWatcher_);
  grace_.emplace(loop_, graceWatcher_);
  if (terminal_) {
    // Reading, writing and resizing each get their own fd, so that closing
    // one (stdin-once, a finished reader) leaves the others working.
    stdout_.emplace(loop_, duplicate(terminal_.get()), Stream::Stdout, true, *this);
    if (o_.withStdin) stdin_.emplace(loop_, duplicate(terminal_.get()), attach_);
  } else {
    stdout_.emplace(loop_, std::move(stdoutPipe_.read), Stream::Stdout, false, *this);
    if (stdinPipe_) stdin_.emplace(loop_, std::move(stdinPipe_->write), attach_);
  }
  stderr_.emplace(loop_, std::move(stderrPipe_.read), Stream::Stderr, false, *this);
  attach_.connectStdin(stdin_ ? &*stdin_ : nullptr, o_.stdinOnce);

  // The container may have died before the loop existed (reaped while the
  // runtime was waited for).
  checkExit();
  while (!exit_ || (outputOpen() && !graceOver_)) {
    loop_.runOnce(-1);
    attach_.sweep();
  }
  stdout_->drain();
  stderr_->drain();
  log_.sync();
}

void ContainerMonitor::onSignal(uint32_t) {
  while (const auto sig = signals_.next()) {
    if (*sig == SIGCHLD) continue;
    if (isTerminationSignal(*sig) && !exit_) {
      diag::info("forwarding signal ", Decimal(*sig), " to the container");
      ::kill(pid_, *sig);
    }
  }
  checkExit();
}

void ContainerMonitor::checkExit() {
  reaper_.reapAll();
  if (exit_) return;
  exit_ = reaper_.take(pid_);
  if (!exit_) return;
  diag::info("container exited with code ", Decimal(exitCodeOf(exit_->waitStatus)));
  stdout_->setFinal();
  stderr_->setFinal();
  grace_->startMs(kOutputGraceMs);
}

void ContainerMonitor::onResize(unsigned rows, unsigned columns) {
  if (!terminal_) {
    diag::debug("resize request for a container without a terminal");
    return;
  }
  setTerminalSize(terminal_.get(), rows, columns);
}

void ContainerMonitor::finish(const std::string& error) {
  const int status = exit_ ? exit_->waitStatus : 0;
  JsonLine report;
  report.addInt("exit_code", exit_ ? exitCodeOf(status) : -1)
      .addInt("signal", exit_ ? signalOf(status) : 0)
      .addBool("oom_killed", oom_.killedSinceWatched())
      .addInt("finished_at_nanos", exit_ ? exit_->reapedAtNanos : realtimeNanos());
  if (!error.empty()) report.addString("error", error);
  writeFileAtomically(o_.exitFile, report.text());
}

}  // namespace

int runCreateMode(const Options& options) {
  SyncChannel sync(options.syncFd);
  try {
    ContainerMonitor monitor(options, sync);
    return monitor.run();
  } catch (const Error& e) {
    diag::error(e.what());
    // Without a sync fd the exit file is the only way to say it.
    if (sync.open()) sync.reportError(e.what());
    else reportFailureInExitFile(options.exitFile, e.what());
    return 1;
  }
}

}  // namespace crix::conmon

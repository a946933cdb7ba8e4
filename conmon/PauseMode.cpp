#include "conmon/PauseMode.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/ProcessSetup.h"
#include "conmon/Reports.h"
#include "conmon/Text.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

namespace {

struct PauseOptions {
  std::string cid;
  std::string pidFile;
  std::string network, ipc, uts;
  diag::Level logLevel = diag::Level::Warn;
};

PauseOptions parsePauseOptions(int argc, char** argv) {
  PauseOptions o;
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string value;
    const size_t eq = arg.find('=');
    if (!arg.starts_with("--")) fail("pause: unexpected argument \"" + std::string(arg) + "\"");
    if (eq != std::string_view::npos) {
      value = std::string(arg.substr(eq + 1));
      arg = arg.substr(0, eq);
    } else {
      if (i + 1 >= argc) fail("pause: " + std::string(arg) + " needs a value");
      value = argv[++i];
    }
    if (arg == "--cid") {
      o.cid = value;
    } else if (arg == "--pid-file") {
      o.pidFile = value;
    } else if (arg == "--net") {
      o.network = value;
    } else if (arg == "--ipc") {
      o.ipc = value;
    } else if (arg == "--uts") {
      o.uts = value;
    } else if (arg == "--log-level") {
      const auto level = diag::parseLevel(value);
      if (!level) fail("pause: unknown --log-level \"" + value + "\"");
      o.logLevel = *level;
    } else {
      fail("pause: unknown option " + std::string(arg));
    }
  }
  if (o.pidFile.empty()) fail("pause: --pid-file is required");
  return o;
}

void joinNamespace(const std::string& file, int type, std::string_view name) {
  if (file.empty()) return;
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) failErrno("open the " + std::string(name) + " namespace " + file);
  if (::setns(fd.get(), type) != 0) failErrno("join the " + std::string(name) + " namespace " + file);
}

// PID 1 of the pod: holds the namespace, reaps what the pod's processes
// leave behind, and ends on SIGTERM or SIGINT like the Kubernetes pause.
// Every other signal is ignored (only SIGKILL from outside can end it).
[[noreturn]] void pauseInit() {
  // Nothing of the daemon's or of the starter's is kept open here.
  const int devNull = ::open("/dev/null", O_RDWR);
  if (devNull >= 0) {
    ::dup2(devNull, 0);
    ::dup2(devNull, 1);
    ::dup2(devNull, 2);
  }
  ::close_range(3, ~0U, 0);
  [[maybe_unused]] int ignored = ::chdir("/");

  // Blocked signals stay pending for sigwaitinfo instead of being dropped,
  // which the kernel does for a namespace init without handlers.
  sigset_t all;
  sigfillset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  for (;;) {
    siginfo_t info;
    const int sig = ::sigwaitinfo(&all, &info);
    if (sig == SIGTERM || sig == SIGINT) ::_exit(0);
    if (sig == SIGCHLD) {
      int status;
      while (::waitpid(-1, &status, WNOHANG) > 0) {
      }
    }
  }
}

}  // namespace

int runPauseMode(int argc, char** argv) {
  PauseOptions options;
  try {
    options = parsePauseOptions(argc, argv);
  } catch (const Error& e) {
    diag::error(e.what());
    return 2;
  }
  diag::setLevel(options.logLevel);
  diag::setTag(options.cid);
  try {
    ensureStdioOpen();
    // The mount namespace stays the node's: the pause process needs no files.
    joinNamespace(options.uts, CLONE_NEWUTS, "UTS");
    joinNamespace(options.ipc, CLONE_NEWIPC, "IPC");
    joinNamespace(options.network, CLONE_NEWNET, "network");
    if (::unshare(CLONE_NEWPID) != 0) failErrno("unshare the pid namespace");
    const pid_t pid = ::fork();
    if (pid < 0) failErrno("fork the pause process");
    if (pid == 0) pauseInit();
    try {
      writeFileAtomically(options.pidFile, std::string(Decimal(pid)) + "\n");
    } catch (const Error&) {
      ::kill(pid, SIGKILL);
      int status;
      ::waitpid(pid, &status, 0);
      throw;
    }
    diag::info("pause process ", Decimal(pid), " started");
  } catch (const Error& e) {
    diag::error(e.what());
    return 1;
  }
  // The pause process is orphaned now and adopted by init (or a subreaper).
  return 0;
}

}  // namespace crix::conmon

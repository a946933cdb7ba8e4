// crix-conmon: the monitor that runs beside each container (and each
// ExecSync), so that the daemon can restart without losing them.
#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <string_view>

#include "conmon/ContainerMonitor.h"
#include "conmon/Diag.h"
#include "conmon/ExecSession.h"
#include "conmon/Options.h"
#include "conmon/PauseMode.h"
#include "conmon/ProcessSetup.h"
#include "conmon/Reports.h"
#include "core/Error.h"

#ifndef CRIX_VERSION
#define CRIX_VERSION "unknown"
#endif

using namespace crix::conmon;

namespace {

void print(std::string_view text) {
  [[maybe_unused]] ssize_t ignored = ::write(STDOUT_FILENO, text.data(), text.size());
}

}  // namespace

int main(int argc, char** argv) {
  // Pause mode shares nothing with the monitor modes but the binary.
  if (argc > 1 && std::string_view(argv[1]) == "pause") return runPauseMode(argc, argv);
  Options options;
  try {
    parseOptions(argc, argv, options);
  } catch (const crix::Error& e) {
    diag::error(e.what());
    // Report where the daemon looks, if it got that far in the command line.
    if (options.syncFd >= 0 && ::fcntl(options.syncFd, F_GETFD) != -1) {
      SyncChannel(options.syncFd).reportError(e.what());
    } else {
      reportFailureInExitFile(options.exitFile, e.what());
    }
    return 2;
  }
  if (options.mode == Mode::Help) {
    print(kUsage);
    return 0;
  }
  if (options.mode == Mode::Version) {
    print("crix-conmon version " CRIX_VERSION "\n");
    return 0;
  }

  diag::setLevel(options.logLevel);
  diag::setTag(options.cid);
  try {
    ensureStdioOpen();
    closeInheritedFdsOnExec();
    becomeSubreaper();
    shieldFromOomKiller();
    // For a daemon that restarts: how to tell whether this monitor still runs.
    if (!options.conmonPidFile.empty())
      writeFileAtomically(options.conmonPidFile, std::to_string(::getpid()) + "\n");
  } catch (const crix::Error& e) {
    diag::error(e.what());
    if (options.syncFd >= 0) SyncChannel(options.syncFd).reportError(e.what());
    reportFailureInExitFile(options.exitFile, e.what());
    return 1;
  }
  return options.mode == Mode::Exec ? runExecMode(options) : runCreateMode(options);
}

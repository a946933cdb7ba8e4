#include "conmon/Spawn.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>

#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/ProcessSetup.h"
#include "conmon/Signals.h"

namespace crix::conmon {
namespace {

void writeAll(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;
    text.remove_prefix(static_cast<size_t>(n));
  }
}

// Runs in the child: only async-signal-safe calls from here on.
[[noreturn]] void execChild(char* const* argv, const ChildStdio& stdio) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  SignalChannel::restoreInChild();
  restoreOomScoreInChild();
  // crix-conmon keeps fds 0-2 occupied (ensureStdioOpen), so every source fd
  // here is above 2 and no dup2 clobbers another's source.
  const int devNull = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const int sources[3] = {stdio.in, stdio.out, stdio.err};
  for (int target = 0; target < 3; ++target) {
    const int source = sources[target] >= 0 ? sources[target] : devNull;
    if (::dup2(source, target) < 0) ::_exit(127);
  }
  ::execv(argv[0], argv);
  const int err = errno;
  writeAll(STDERR_FILENO, "crix-conmon: cannot execute ");
  writeAll(STDERR_FILENO, argv[0]);
  writeAll(STDERR_FILENO, ": ");
  writeAll(STDERR_FILENO, diag::errnoText(err));
  writeAll(STDERR_FILENO, "\n");
  ::_exit(127);
}

}  // namespace

pid_t spawn(const std::vector<std::string>& argv, const ChildStdio& stdio) {
  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  if (diag::enabled(diag::Level::Debug)) {
    std::string line;
    for (const std::string& a : argv) (line += ' ') += a;
    diag::debug("running", line);
  }
  const pid_t pid = ::fork();
  if (pid < 0) failErrno("fork");
  if (pid == 0) execChild(args.data(), stdio);
  return pid;
}

}  // namespace crix::conmon

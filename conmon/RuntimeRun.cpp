#include "conmon/RuntimeRun.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "conmon/ConsoleSocket.h"
#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/Reaper.h"
#include "conmon/Signals.h"
#include "conmon/Text.h"

namespace crix::conmon {

using Clock = std::chrono::steady_clock;

RuntimeOutcome awaitRuntime(pid_t pid, SignalChannel& signals, Reaper& reaper, ConsoleSocket* console,
                            std::optional<Clock::time_point> deadline) {
  RuntimeOutcome outcome;
  reaper.watch(pid);
  for (;;) {
    while (const auto sig = signals.next()) {
      if (isTerminationSignal(*sig)) {
        diag::info("forwarding signal ", Decimal(*sig), " to the runtime");
        ::kill(pid, *sig);
      }
    }
    reaper.reapAll();
    if (const auto exit = reaper.take(pid)) {
      outcome.waitStatus = exit->waitStatus;
      break;
    }

    int timeoutMs = -1;
    if (deadline && !outcome.timedOut) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now());
      if (left.count() <= 0) {
        diag::warn("timed out waiting for the runtime; killing it");
        ::kill(pid, SIGKILL);
        outcome.timedOut = true;
      } else {
        timeoutMs = static_cast<int>(left.count()) + 1;
      }
    }
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {-1, POLLIN, 0}};
    if (console && !outcome.terminal) fds[1].fd = console->fd();
    if (::poll(fds, 2, timeoutMs) < 0 && errno != EINTR) failErrno("poll");
    if (fds[1].revents & POLLIN) outcome.terminal = console->receiveTerminal();
  }
  // The runtime connects before it exits, so a terminal not taken yet is
  // waiting in the listen queue.
  if (console && !outcome.terminal) outcome.terminal = console->receiveTerminal();
  return outcome;
}

std::string collectRuntimeError(int stderrFd) {
  constexpr size_t kMaxBytes = 16 * 1024;
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  ::fcntl(stderrFd, F_SETFL, ::fcntl(stderrFd, F_GETFL) | O_NONBLOCK);
  std::string text;
  char buf[4096];
  while (text.size() < kMaxBytes) {
    const ssize_t n = ::read(stderrFd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, std::min(static_cast<size_t>(n), kMaxBytes - text.size()));
      continue;
    }
    if (n == 0 || (errno != EAGAIN && errno != EINTR)) break;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    // A process the runtime left behind may hold the pipe open: stop waiting.
    if (left.count() <= 0) break;
    pollfd p{stderrFd, POLLIN, 0};
    ::poll(&p, 1, static_cast<int>(left.count()));
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}

pid_t readPidFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) failErrno("read the runtime's pid file " + path);
  char buf[32];
  const ssize_t n = ::read(fd, buf, sizeof buf - 1);
  ::close(fd);
  std::string_view text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  const auto pid = parseDecimal(text);
  if (!pid || *pid <= 0) fail("the runtime's pid file " + path + " holds no pid");
  return static_cast<pid_t>(*pid);
}

}  // namespace crix::conmon

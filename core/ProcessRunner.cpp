#include "core/ProcessRunner.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "core/ChildExec.h"
#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix {
namespace {

using Clock = std::chrono::steady_clock;

struct PipePair {
  UniqueFd read, write;
};

PipePair makePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::fromErrno("pipe", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// stdin is a socket, not a pipe: send() with MSG_NOSIGNAL cannot raise
// SIGPIPE in the daemon when the child exits without reading.
PipePair makeStdinChannel() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
    throw Error::fromErrno("socketpair", errno);
  ::shutdown(fds[0], SHUT_WR);
  ::shutdown(fds[1], SHUT_RD);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

int waitStatusBlocking(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw Error::fromErrno("waitpid " + std::to_string(pid), errno);
  }
  return status;
}

// waitpid with a deadline: polls, since a thread of a daemon cannot use
// SIGCHLD for itself.
bool waitUntil(pid_t pid, Clock::time_point deadline, int& status) {
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno == ECHILD)
      throw Error::internal(
          "waitpid " + std::to_string(pid) +
          ": the child was reaped elsewhere (is SIGCHLD ignored or waitpid(-1) used?)");
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(50));
  }
}

}  // namespace

std::string commandLine(const std::vector<std::string>& argv) {
  std::string line;
  for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
  return line;
}

ProcessOutcome runProcess(const ProcessSpec& spec) {
  if (spec.argv.empty()) throw Error::internal("runProcess: empty argv");
  const ExecArgs args(spec.argv, spec.env ? *spec.env : currentEnvironment());
  PipePair in = makeStdinChannel(), out = makePipe(), err = makePipe(), execErr = makePipe();
  in.read = fdAtLeast(std::move(in.read), 3);
  out.write = fdAtLeast(std::move(out.write), 3);
  err.write = fdAtLeast(std::move(err.write), 3);
  const std::string execPrefix = "cannot execute " + spec.argv[0] + ": ";

  const pid_t pid = ::fork();
  if (pid < 0) throw Error::fromErrno("fork for " + spec.argv[0], errno);
  if (pid == 0) {
    ::setpgid(0, 0);
    resetSignalsInChild();
    // Out of the way of the fds about to be set up, for reporting exec failure.
    const int report = ::fcntl(execErr.write.get(), F_DUPFD_CLOEXEC, 16);
    if (!dupForExecInChild(in.read.get(), 0) || !dupForExecInChild(out.write.get(), 1) ||
        !dupForExecInChild(err.write.get(), 2)) {
      reportErrnoInChild(report, "dup2 before exec: ", errno, "");
      ::_exit(127);
    }
    // Our pipes are O_CLOEXEC, but fds another thread opened without it
    // must not leak into runc.
    constexpr int reportFd = 3;
    ::dup3(report, reportFd, O_CLOEXEC);
    closeFdsFromInChild(reportFd + 1);
    ::execve(args.path(), args.argv(), args.envp());
    reportErrnoInChild(reportFd, execPrefix.c_str(), errno, "");
    ::_exit(127);
  }
  in.read.reset();
  out.write.reset();
  err.write.reset();
  execErr.write.reset();

  ProcessOutcome result;
  const auto deadline = Clock::now() + spec.timeout;
  std::size_t stdinDone = 0;
  if (spec.stdinData.empty()) in.write.reset();

  std::string execFailure;
  for (;;) {
    pollfd p[4];
    int n = 0;
    int idxOut = -1, idxErr = -1, idxIn = -1, idxExec = -1;
    if (out.read) {
      idxOut = n;
      p[n++] = {out.read.get(), POLLIN, 0};
    }
    if (err.read) {
      idxErr = n;
      p[n++] = {err.read.get(), POLLIN, 0};
    }
    if (execErr.read) {
      idxExec = n;
      p[n++] = {execErr.read.get(), POLLIN, 0};
    }
    if (in.write) {
      idxIn = n;
      p[n++] = {in.write.get(), POLLOUT, 0};
    }
    if (idxOut < 0 && idxErr < 0 && idxExec < 0) break;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      result.timedOut = true;
      break;
    }
    const int r = ::poll(p, static_cast<nfds_t>(n), static_cast<int>(left.count()));
    if (r < 0 && errno != EINTR) throw Error::fromErrno("poll on " + spec.argv[0], errno);
    if (r <= 0) continue;
    auto drain = [&](int idx, UniqueFd& fd, std::string* into) {
      if (idx < 0 || !(p[idx].revents & (POLLIN | POLLHUP | POLLERR))) return;
      char buf[8192];
      const ssize_t got = ::read(fd.get(), buf, sizeof buf);
      if (got > 0) {
        const std::size_t room = spec.maxOutput > into->size() ? spec.maxOutput - into->size() : 0;
        const std::size_t take = std::min(room, static_cast<std::size_t>(got));
        into->append(buf, take);
        if (take < static_cast<std::size_t>(got)) result.outputTruncated = true;
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        fd.reset();
      }
    };
    drain(idxOut, out.read, &result.out);
    drain(idxErr, err.read, &result.err);
    drain(idxExec, execErr.read, &execFailure);
    if (idxIn >= 0 && (p[idxIn].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t w = ::send(in.write.get(), spec.stdinData.data() + stdinDone,
                               spec.stdinData.size() - stdinDone, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (w > 0) stdinDone += static_cast<std::size_t>(w);
      if ((w < 0 && errno != EAGAIN && errno != EINTR) || stdinDone == spec.stdinData.size())
        in.write.reset();  // EPIPE: the child does not read its stdin; not our failure
    }
  }
  in.write.reset();

  int status = 0;
  if (result.timedOut || !waitUntil(pid, deadline, status)) {
    result.timedOut = true;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    status = waitStatusBlocking(pid);
  }
  if (!execFailure.empty()) throw Error::internal(execFailure);
  if (WIFEXITED(status) && !result.timedOut) result.exitCode = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  return result;
}

}  // namespace crix

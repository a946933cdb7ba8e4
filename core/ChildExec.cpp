#include "core/ChildExec.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/Error.h"

extern char** environ;

namespace crix {

ExecArgs::ExecArgs(std::vector<std::string> argv, std::vector<std::string> env)
    : argv_(std::move(argv)), env_(std::move(env)) {
  for (auto& a : argv_) argvPtrs_.push_back(a.data());
  argvPtrs_.push_back(nullptr);
  for (auto& e : env_) envPtrs_.push_back(e.data());
  envPtrs_.push_back(nullptr);
}

UniqueFd fdAtLeast(UniqueFd fd, int minFd) {
  if (fd.get() >= minFd) return fd;
  const int moved = ::fcntl(fd.get(), F_DUPFD_CLOEXEC, minFd);
  if (moved < 0) throw Error::fromErrno("fcntl(F_DUPFD_CLOEXEC)", errno);
  return UniqueFd(moved);
}

bool dupForExecInChild(int from, int to) {
  if (from == to) return ::fcntl(to, F_SETFD, 0) == 0;
  return ::dup2(from, to) == to;
}

std::vector<std::string> currentEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) env.emplace_back(*e);
  return env;
}

void resetSignalsInChild() {
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    ::sigaction(sig, &dfl, nullptr);  // EINVAL for KILL/STOP: fine
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

void closeFdsFromInChild(int first) {
  if (::syscall(SYS_close_range, static_cast<unsigned>(first), ~0U, 0) == 0) return;
  // Kernels before 5.9: close them one by one.
  const long max = ::sysconf(_SC_OPEN_MAX);
  for (long fd = first; fd < (max > 0 ? max : 65536); ++fd) ::close(static_cast<int>(fd));
}

void reportErrnoInChild(int fd, const char* prefix, int err, const char* suffix) {
  // strerrordesc_np only indexes a static table, unlike strerror (locale).
  const char* text = ::strerrordesc_np(err);
  for (const char* part : {prefix, text ? text : "unknown error", suffix}) {
    [[maybe_unused]] const ssize_t w = ::write(fd, part, std::strlen(part));
  }
}

}  // namespace crix

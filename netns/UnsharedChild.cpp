#include "netns/UnsharedChild.h"

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/Error.h"

namespace crix::netns {

namespace {

// What the child reports on its pipe: which step failed (0: none) and errno.
enum Step : int { kReady = 0, kUnshare, kHostname, kLoopbackSocket, kLoopbackUp };

struct Report {
  int step;
  int err;
};

const char* stepName(int step) {
  switch (step) {
    case kUnshare: return "unshare the namespaces";
    case kHostname: return "set the hostname";
    case kLoopbackSocket: return "open a socket to bring up lo";
    case kLoopbackUp: return "bring up lo";
    default: return "set up the namespaces";
  }
}

[[noreturn]] void childMain(int cloneFlags, const char* hostname, size_t hostnameLen, int reportFd, int releaseFd) {
  Report report{kReady, 0};
  auto fail = [&](int step) {
    report = {step, errno};
    [[maybe_unused]] ssize_t n = ::write(reportFd, &report, sizeof report);
    ::_exit(1);
  };
  if (::unshare(cloneFlags) != 0) fail(kUnshare);
  if ((cloneFlags & CLONE_NEWUTS) && hostnameLen > 0 && ::sethostname(hostname, hostnameLen) != 0) fail(kHostname);
  if (cloneFlags & CLONE_NEWNET) {
    const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (sock < 0) fail(kLoopbackSocket);
    struct ifreq ifr;
    std::memset(&ifr, 0, sizeof ifr);
    std::memcpy(ifr.ifr_name, "lo", 3);
    if (::ioctl(sock, SIOCGIFFLAGS, &ifr) != 0) fail(kLoopbackUp);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (::ioctl(sock, SIOCSIFFLAGS, &ifr) != 0) fail(kLoopbackUp);
    ::close(sock);
  }
  [[maybe_unused]] ssize_t n = ::write(reportFd, &report, sizeof report);
  ::close(reportFd);
  // Hold the namespaces until the parent has pinned them (or gave up, or died).
  char byte;
  while (::read(releaseFd, &byte, 1) < 0 && errno == EINTR) {
  }
  ::_exit(0);
}

}  // namespace

UnsharedChild::UnsharedChild(int cloneFlags, const std::string& hostname, const std::string& podId) {
  const std::string context = "create the namespaces of pod " + podId;
  int reportPipe[2];
  int releasePipe[2];
  if (::pipe2(reportPipe, O_CLOEXEC) != 0) throw Error::fromErrno(context + ": pipe", errno);
  UniqueFd reportRead(reportPipe[0]), reportWrite(reportPipe[1]);
  if (::pipe2(releasePipe, O_CLOEXEC) != 0) throw Error::fromErrno(context + ": pipe", errno);
  UniqueFd releaseRead(releasePipe[0]);
  release_.reset(releasePipe[1]);

  const pid_t pid = ::fork();
  if (pid < 0) throw Error::fromErrno(context + ": fork", errno);
  if (pid == 0) {
    // No signal the daemon may deliver to the whole group should kill us
    // half-way through; and the parent's blocked set must not leak.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    // Keep only the two pipe ends: the child must not hold the daemon's
    // other descriptors (another pipe's write end would delay its EOF).
    const unsigned a = static_cast<unsigned>(std::min(reportWrite.get(), releaseRead.get()));
    const unsigned b = static_cast<unsigned>(std::max(reportWrite.get(), releaseRead.get()));
    ::close_range(3, a - 1, 0);
    ::close_range(a + 1, b - 1, 0);
    ::close_range(b + 1, ~0U, 0);
    childMain(cloneFlags, hostname.data(), hostname.size(), reportWrite.get(), releaseRead.get());
  }
  pid_ = pid;
  reportWrite.reset();
  releaseRead.reset();

  Report report{-1, 0};
  ssize_t got;
  do {
    got = ::read(reportRead.get(), &report, sizeof report);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof report) && report.step == kReady) return;

  const int step = got == static_cast<ssize_t>(sizeof report) ? report.step : -1;
  const int err = got == static_cast<ssize_t>(sizeof report) ? report.err : 0;
  release_.reset();
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  if (step < 0) throw Error::internal(context + ": the child process died before it reported");
  throw Error::fromErrno(context + ": " + stepName(step), err);
}

UnsharedChild::~UnsharedChild() {
  if (pid_ <= 0) return;
  release_.reset();
  int status;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
}

std::string UnsharedChild::namespacePath(const char* kind) const {
  return "/proc/" + std::to_string(pid_) + "/ns/" + kind;
}

}  // namespace crix::netns

#include "conmon/Signals.h"

#include <sys/signalfd.h>
#include <unistd.h>

#include "conmon/Failure.h"

namespace crix::conmon {
namespace {

sigset_t originalMask;

sigset_t handledSignals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) sigaddset(&set, sig);
  return set;
}

}  // namespace

SignalChannel::SignalChannel() {
  const sigset_t set = handledSignals();
  if (::sigprocmask(SIG_BLOCK, &set, &originalMask) != 0) failErrno("sigprocmask");
  ::signal(SIGPIPE, SIG_IGN);
  fd_.reset(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd_) failErrno("signalfd");
}

SignalChannel::~SignalChannel() {
  ::sigprocmask(SIG_SETMASK, &originalMask, nullptr);
}

std::optional<int> SignalChannel::next() {
  signalfd_siginfo info;
  if (::read(fd_.get(), &info, sizeof info) != sizeof info) return std::nullopt;
  return static_cast<int>(info.ssi_signo);
}

void SignalChannel::restoreInChild() {
  // Defaults and an empty mask, not what the daemon happened to hand us: the
  // container's signal handling must not depend on how crix-conmon was started.
  for (int sig : {SIGPIPE, SIGCHLD, SIGTERM, SIGINT, SIGQUIT, SIGHUP}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
}

bool isTerminationSignal(int sig) { return sig == SIGTERM || sig == SIGINT || sig == SIGQUIT; }

}  // namespace crix::conmon

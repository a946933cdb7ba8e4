#include "contrib/crixctl/SignalPipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "core/Error.h"

namespace crixctl {
namespace {

std::atomic<int> gWriteFd{-1};

void onSignal(int signo) {
  const int saved = errno;
  const unsigned char byte = static_cast<unsigned char>(signo);
  const int fd = gWriteFd.load();
  // A full pipe already says "signalled": a failed write loses nothing.
  if (fd >= 0 && ::write(fd, &byte, 1) < 0) {
  }
  errno = saved;
}

}  // namespace

SignalPipe::SignalPipe(std::initializer_list<int> signals) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) throw crix::Error::fromErrno("creating the signal pipe", errno);
  readEnd_.reset(fds[0]);
  writeEnd_.reset(fds[1]);
  gWriteFd.store(writeEnd_.get());

  auto install = [this](int signo, void (*handler)(int)) {
    struct sigaction action = {};
    action.sa_handler = handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    struct sigaction old = {};
    if (::sigaction(signo, &action, &old) != 0) throw crix::Error::fromErrno("installing a signal handler", errno);
    previous_.emplace_back(signo, old);
  };
  try {
    install(SIGPIPE, SIG_IGN);
    for (int signo : signals) install(signo, onSignal);
  } catch (...) {
    for (auto& [signo, old] : previous_) ::sigaction(signo, &old, nullptr);
    gWriteFd.store(-1);
    throw;
  }
}

SignalPipe::~SignalPipe() {
  for (auto it = previous_.rbegin(); it != previous_.rend(); ++it) ::sigaction(it->first, &it->second, nullptr);
  gWriteFd.store(-1);
}

std::vector<int> SignalPipe::take() {
  std::vector<int> caught;
  unsigned char buffer[64];
  for (;;) {
    const ssize_t n = ::read(readEnd_.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    caught.insert(caught.end(), buffer, buffer + n);
  }
  return caught;
}

}  // namespace crixctl

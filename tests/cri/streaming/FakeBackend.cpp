#include "tests/cri/streaming/FakeBackend.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <list>
#include <thread>

#include "core/Error.h"
#include "tests/support/LoopbackSocket.h"

namespace crix::streaming::test {

namespace {

using Clock = std::chrono::steady_clock;

void writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // the client went away: what a real backend sees too
    data.remove_prefix(static_cast<size_t>(n));
  }
}

bool goneNow(int clientGone, int timeoutMs) {
  pollfd p{clientGone, POLLIN, 0};
  return ::poll(&p, 1, timeoutMs) > 0;
}

std::string joined(const std::vector<std::string>& cmd) {
  std::string out;
  for (const auto& c : cmd) out += (out.empty() ? "" : " ") + c;
  return out;
}

}  // namespace

RemoteCommandOutcome FakeBackend::run(const std::vector<std::string>& cmd, bool tty, RemoteCommandIo& io) {
  const int gone = io.clientGone.get();
  bool sawGone = false;
  if (io.stdoutFd) writeAll(io.stdoutFd.get(), "stdout:" + joined(cmd) + "\n");
  if (io.stderrFd) writeAll(io.stderrFd.get(), "stderr line\n");
  if (tty && io.resizes && cmd.size() == 2 && cmd[0] == "resize") {
    const int wanted = std::stoi(cmd[1]);
    for (int got = 0; got < wanted;) {
      if (goneNow(gone, 0)) {
        sawGone = true;
        break;
      }
      const auto size = io.resizes->next(std::chrono::milliseconds(100));
      if (!size) continue;
      {
        std::lock_guard lock(mutex_);
        resizes_.push_back(*size);
      }
      ++got;
      if (io.stdoutFd)
        writeAll(io.stdoutFd.get(), "resize " + std::to_string(size->width) + "x" + std::to_string(size->height) + "\n");
    }
  }
  if (io.stdinFd) {
    char buffer[16384];
    while (!sawGone) {
      pollfd fds[2] = {{io.stdinFd.get(), POLLIN, 0}, {gone, POLLIN, 0}};
      if (::poll(fds, 2, 20000) <= 0) break;
      if (fds[0].revents) {
        const ssize_t n = ::read(io.stdinFd.get(), buffer, sizeof buffer);
        if (n <= 0) break;
        if (io.stdoutFd) writeAll(io.stdoutFd.get(), std::string_view(buffer, static_cast<size_t>(n)));
        continue;
      }
      if (fds[1].revents) sawGone = true;
    }
  }
  if (!cmd.empty() && cmd[0] == "sleep" && !sawGone) sawGone = goneNow(gone, 20000);
  if (sawGone || goneNow(gone, 0)) ++clientGoneSeen_;
  if (cmd.size() == 2 && cmd[0] == "exit") return {std::stoi(cmd[1]), ""};
  if (cmd.size() == 2 && cmd[0] == "fail") return {0, cmd[1]};
  return {};
}

RemoteCommandOutcome FakeBackend::exec(const ExecRequest& request, RemoteCommandIo io) {
  auto outcome = run(request.cmd, request.tty, io);
  io = {};  // close our ends before the server is told
  std::lock_guard lock(mutex_);
  ++returned_;
  changed_.notify_all();
  return outcome;
}

RemoteCommandOutcome FakeBackend::attach(const AttachRequest& request, RemoteCommandIo io) {
  auto outcome = run({"attach", request.containerId}, request.tty, io);
  io = {};
  std::lock_guard lock(mutex_);
  ++returned_;
  changed_.notify_all();
  return outcome;
}

UniqueFd FakeBackend::dialPort(const std::string& podSandboxId, uint16_t port) {
  {
    std::lock_guard lock(mutex_);
    dialed_.push_back(podSandboxId + ":" + std::to_string(port));
    peakDials_ = std::max(peakDials_.load(), ++dialsNow_);
  }
  std::this_thread::sleep_for(dialDelay_);
  {
    std::lock_guard lock(mutex_);
    --dialsNow_;
  }
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) throw Error::fromErrno("socket", errno);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
    throw Error(StatusCode::Unavailable, std::string("dial tcp 127.0.0.1:") + std::to_string(port) + ": " +
                                             std::strerror(errno));
  return fd;
}

bool FakeBackend::waitForReturns(int n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return returned_ >= n; });
}

std::vector<TerminalSize> FakeBackend::resizes() const {
  std::lock_guard lock(mutex_);
  return resizes_;
}

std::vector<std::string> FakeBackend::dialed() const {
  std::lock_guard lock(mutex_);
  return dialed_;
}

struct EchoServer::Impl {
  UniqueFd listener;
  UniqueFd stop{::eventfd(0, EFD_CLOEXEC)};
  std::thread acceptor;
  std::mutex mutex;
  std::list<std::thread> workers;

  void echo(UniqueFd fd) {
    char buffer[16384];
    while (true) {
      pollfd fds[2] = {{fd.get(), POLLIN, 0}, {stop.get(), POLLIN, 0}};
      if (::poll(fds, 2, 30000) <= 0 || fds[1].revents) return;
      const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
      if (n <= 0) return;
      writeAll(fd.get(), std::string_view(buffer, static_cast<size_t>(n)));
    }
  }
};

EchoServer::EchoServer() : impl_(std::make_unique<Impl>()) {
  auto listener = crix::test::listenOnLoopback();
  impl_->listener = std::move(listener.fd);
  port_ = listener.port;
  impl_->acceptor = std::thread([this] {
    while (true) {
      pollfd fds[2] = {{impl_->listener.get(), POLLIN, 0}, {impl_->stop.get(), POLLIN, 0}};
      if (::poll(fds, 2, 1000) < 0 && errno != EINTR) return;
      if (fds[1].revents) return;
      if (!fds[0].revents) continue;
      UniqueFd fd(::accept4(impl_->listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (!fd) continue;
      ++served_;
      std::lock_guard lock(impl_->mutex);
      impl_->workers.emplace_back([this, f = fd.release()] { impl_->echo(UniqueFd(f)); });
    }
  });
}

EchoServer::~EchoServer() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(impl_->stop.get(), &one, sizeof one);
  impl_->acceptor.join();
  for (auto& w : impl_->workers) w.join();
}

}  // namespace crix::streaming::test

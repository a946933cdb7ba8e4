#include "netns/PauseProcess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "core/Error.h"
#include "core/Log.h"
#include "core/UniqueFd.h"
#include "netns/NsfsPin.h"

namespace crix::netns {

namespace {

// glibc 2.36's <sys/pidfd.h> lacks extern "C", so C++ cannot link its
// declarations; the system calls directly.
int pidfdOpen(pid_t pid) { return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)); }
int pidfdSendSignal(int pidfd, int sig) { return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0)); }

constexpr auto kStartTimeout = std::chrono::seconds(10);
constexpr int kTermGraceMs = 2000;
constexpr int kKillWaitMs = 5000;

std::string readSmallFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string readAvailable(int fd) {
  std::string text;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

// Reaps our direct child within the bound; false when it is still running.
bool waitChild(pid_t pid, int& status, std::chrono::steady_clock::duration bound) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;  // not ours to wait for any more
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

// Waits until the process behind `pidfd` has exited; false on timeout.
bool waitGone(int pidfd, int timeoutMs) {
  struct pollfd p {pidfd, POLLIN, 0};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    const int r = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, left.count())));
    if (r > 0) return true;
    if (r == 0) return false;
    if (errno != EINTR) throw Error::fromErrno("wait for the pause process", errno);
  }
}

std::vector<std::string> commandLineOf(pid_t pid) {
  const std::string raw = readSmallFile("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  size_t start = 0;
  while (start < raw.size()) {
    size_t end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    args.emplace_back(raw.substr(start, end - start));
    start = end + 1;
  }
  return args;
}

}  // namespace

pid_t startPause(const PauseRequest& req) {
  const std::string context = "start the pause process of pod " + req.podId;
  std::vector<std::string> args{req.binary, "pause", "--cid", req.podId, "--pid-file", req.pidFile};
  if (!req.network.empty()) args.insert(args.end(), {"--net", req.network});
  if (!req.ipc.empty()) args.insert(args.end(), {"--ipc", req.ipc});
  if (!req.uts.empty()) args.insert(args.end(), {"--uts", req.uts});
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  UniqueFd devNull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devNull) throw Error::fromErrno(context + ": open /dev/null", errno);
  int errPipe[2];
  if (::pipe2(errPipe, O_CLOEXEC | O_NONBLOCK) != 0) throw Error::fromErrno(context + ": pipe", errno);
  UniqueFd errRead(errPipe[0]), errWrite(errPipe[1]);

  const pid_t pid = ::fork();
  if (pid < 0) throw Error::fromErrno(context + ": fork", errno);
  if (pid == 0) {
    // Only async-signal-safe calls until exec: the daemon has threads.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::setsid();  // its own session: no terminal or group signal reaches it
    ::dup2(devNull.get(), 0);
    ::dup2(devNull.get(), 1);
    ::dup2(errWrite.get(), 2);
    // The write end must block for crix-conmon's messages (it is O_NONBLOCK
    // through the shared file description otherwise).
    ::fcntl(2, F_SETFL, 0);
    ::execv(argv[0], argv.data());
    const int err = errno;
    static const char msg[] = "cannot execute the pause binary: ";
    [[maybe_unused]] ssize_t n = ::write(2, msg, sizeof msg - 1);
    const char* text = ::strerrordesc_np(err);
    n = ::write(2, text, ::strlen(text));
    ::_exit(127);
  }
  errWrite.reset();

  int status = 0;
  if (!waitChild(pid, status, kStartTimeout)) {
    ::kill(pid, SIGKILL);
    waitChild(pid, status, std::chrono::seconds(5));
    ::unlink(req.pidFile.c_str());
    throw Error{StatusCode::DeadlineExceeded, context + ": " + req.binary + " did not finish in time"};
  }
  std::string message = readAvailable(errRead.get());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    ::unlink(req.pidFile.c_str());
    if (message.empty()) message = req.binary + " failed (wait status " + std::to_string(status) + ")";
    throw Error::internal(context + ": " + message);
  }
  const std::string text = readSmallFile(req.pidFile);
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 1)
    throw Error::internal(context + ": no pid in " + req.pidFile + " (\"" + text + "\")");
  return static_cast<pid_t>(value);
}

bool isPauseOf(pid_t pid, const std::string& podId, const std::string& pidNamespaceFile) {
  if (pid <= 1) return false;
  const auto args = commandLineOf(pid);
  bool named = args.size() >= 2 && args[1] == "pause";
  bool ours = false;
  for (size_t i = 2; named && i + 1 < args.size(); ++i)
    if (args[i] == "--cid" && args[i + 1] == podId) ours = true;
  if (!named || !ours) return false;
  if (pidNamespaceFile.empty() || !isPinnedNamespace(pidNamespaceFile)) return true;
  const ino_t pinned = namespaceInode(pidNamespaceFile);
  return pinned != 0 && pinned == namespaceInode("/proc/" + std::to_string(pid) + "/ns/pid");
}

void stopPause(pid_t pid, const std::string& podId, const std::string& pidNamespaceFile) {
  const std::string context = "stop the pause process " + std::to_string(pid) + " of pod " + podId;
  // The pidfd pins the identity: from here on a reused pid cannot be hit.
  UniqueFd pidfd(pidfdOpen(pid));
  if (!pidfd) {
    if (errno == ESRCH) return;
    throw Error::fromErrno(context + ": pidfd_open", errno);
  }
  if (!isPauseOf(pid, podId, pidNamespaceFile)) {
    // Either it is gone (zombie, empty cmdline) or the pid is someone else's now.
    log::debug("pid ", pid, " is not the pause process of pod ", podId, " any more; not signalled");
    return;
  }
  if (pidfdSendSignal(pidfd.get(), SIGTERM) != 0 && errno != ESRCH)
    throw Error::fromErrno(context + ": SIGTERM", errno);
  if (!waitGone(pidfd.get(), kTermGraceMs)) {
    log::warn("the pause process ", pid, " of pod ", podId, " ignored SIGTERM; killing it");
    if (pidfdSendSignal(pidfd.get(), SIGKILL) != 0 && errno != ESRCH)
      throw Error::fromErrno(context + ": SIGKILL", errno);
    if (!waitGone(pidfd.get(), kKillWaitMs))
      throw Error{StatusCode::DeadlineExceeded, context + ": still running 5 s after SIGKILL"};
  }
  // If the daemon is a subreaper, the orphaned pause process is its child.
  // Through the pidfd: only that process, never a later one with its pid.
  siginfo_t info{};
  ::waitid(P_PIDFD, static_cast<id_t>(pidfd.get()), &info, WEXITED | WNOHANG);
}

}  // namespace crix::netns

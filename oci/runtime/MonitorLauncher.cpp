#include "oci/runtime/MonitorLauncher.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "core/ChildExec.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/UniqueFd.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/OciRuntime.h"

namespace crix::oci {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
constexpr std::size_t kMaxSyncLine = 64 * 1024;

const char* monitorLogLevel() {
  switch (log::level()) {
    case log::Level::Error:
      return "error";
    case log::Level::Warn:
      return "warn";
    case log::Level::Info:
      return "info";
    default:
      return "debug";
  }
}

struct Pipe {
  UniqueFd read, write;
};

Pipe makePipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw Error::fromErrno("pipe for crix-conmon", errno);
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

UniqueFd openOrThrow(const std::string& path, int flags, mode_t mode = 0600) {
  UniqueFd fd(::open(path.c_str(), flags | O_CLOEXEC, mode));
  if (!fd) throw Error::fromErrno("open " + path, errno);
  return fd;
}


// runc may have got half way; CRI-O deletes too. Its failure is part of the
// story the caller tells, so it goes into the message.
std::string removeLeftovers(const MonitorStart& req) {
  try {
    OciRuntime(req.runtime).remove(req.containerId, true);
    return "";
  } catch (const Error& e) {
    log::warn("container ", req.containerId, ": removing what create left failed: ", e.what());
    return std::string("; removing it afterwards failed too: ") + e.what();
  }
}

// `{"error": "TEXT` for the child to complete with an errno text and `"}`.
std::string jsonErrorPrefix(const std::string& text) {
  const std::string quoted = nlohmann::json(text).dump();
  return "{\"error\": " + quoted.substr(0, quoted.size() - 1);
}

}  // namespace

std::vector<std::string> monitorEnvironment(const RuntimeHandlerInfo& runtime) {
  std::vector<std::string> env = runtime.monitorEnv;
  bool hasPath = false;
  for (const auto& e : env) hasPath = hasPath || e.rfind("PATH=", 0) == 0;
  if (!hasPath) env.emplace_back(kDefaultPath);
  return env;
}

std::optional<std::string> readSyncLine(int fd, Clock::time_point deadline) {
  std::string line;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd, POLLIN, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
    if (r < 0 && errno != EINTR) throw Error::fromErrno("poll the crix-conmon sync pipe", errno);
    if (r <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      throw Error::fromErrno("read the crix-conmon sync pipe", errno);
    }
    if (n == 0) return line;
    line.append(buf, static_cast<std::size_t>(n));
    if (const auto nl = line.find('\n'); nl != std::string::npos) return line.substr(0, nl);
    if (line.size() > kMaxSyncLine) return line;
  }
}

std::string fileTail(const std::string& path, std::size_t maxBytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return "";
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return "";
  const off_t from =
      st.st_size > static_cast<off_t>(maxBytes) ? st.st_size - static_cast<off_t>(maxBytes) : 0;
  std::string text(static_cast<std::size_t>(st.st_size - from), '\0');
  const ssize_t n = ::pread(fd.get(), text.data(), text.size(), from);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  return text;
}

std::vector<std::string> monitorCreateArgv(const MonitorStart& r, int syncFd) {
  std::vector<std::string> a = {
      r.runtime.monitorPath, "create", "--cid", r.containerId, "--bundle", r.bundleDir, "--runtime",
      r.runtime.runtimePath};
  if (!r.runtime.runtimeRoot.empty()) a.insert(a.end(), {"--runtime-root", r.runtime.runtimeRoot});
  a.insert(a.end(), {"--log-path", r.logPath, "--log-size-max", std::to_string(r.logSizeMax)});
  if (r.terminal) a.push_back("--terminal");
  if (r.stdin || r.stdinOnce) a.push_back("--stdin");
  if (r.stdinOnce) a.push_back("--stdin-once");
  a.insert(a.end(), {"--exit-file", r.exitFile, "--attach-socket", r.attachSocket, "--ctl-fifo",
                     r.ctlFifo, "--pid-file", r.pidFile});
  if (syncFd >= 0) a.insert(a.end(), {"--sync-fd", std::to_string(syncFd)});
  if (!r.cgroupPath.empty()) a.insert(a.end(), {"--cgroup-path", r.cgroupPath});
  if (!r.conmonPidFile.empty()) a.insert(a.end(), {"--conmon-pid-file", r.conmonPidFile});
  a.insert(a.end(), {"--log-level", monitorLogLevel()});
  return a;
}

MonitorStarted startMonitor(const MonitorStart& req) {
  for (const auto* field : {&req.containerId, &req.bundleDir, &req.logPath, &req.exitFile,
                            &req.attachSocket, &req.ctlFifo, &req.pidFile}) {
    if (field->empty())
      throw Error::invalidArgument("startMonitor for container '" + req.containerId +
                                   "': a required path is empty");
  }
  constexpr int kChildSyncFd = 3;
  const std::string conmonLog =
      req.conmonLogPath.empty() ? req.bundleDir + "/conmon.log" : req.conmonLogPath;

  // Everything the children use is made here: after fork only
  // async-signal-safe calls are allowed (other threads may hold malloc's lock).
  const ExecArgs args(monitorCreateArgv(req, kChildSyncFd), monitorEnvironment(req.runtime));
  const std::string execJson = jsonErrorPrefix("cannot execute " + req.runtime.monitorPath + ": ");
  const std::string chdirJson = jsonErrorPrefix("cannot enter " + req.bundleDir + ": ");
  const char* suffix = "\"}\n";

  UniqueFd devNull = fdAtLeast(openOrThrow("/dev/null", O_RDWR), kChildSyncFd + 1);
  UniqueFd logFd =
      fdAtLeast(openOrThrow(conmonLog, O_WRONLY | O_CREAT | O_APPEND), kChildSyncFd + 1);
  Pipe sync = makePipe();
  sync.write = fdAtLeast(std::move(sync.write), kChildSyncFd + 1);
  Pipe pidPipe = makePipe();

  const pid_t middle = ::fork();
  if (middle < 0) throw Error::fromErrno("fork for crix-conmon", errno);
  if (middle == 0) {
    ::setsid();
    const pid_t monitor = ::fork();
    if (monitor < 0) {
      reportErrnoInChild(sync.write.get(), "{\"error\": \"fork crix-conmon: ", errno, suffix);
      ::_exit(1);
    }
    if (monitor > 0) {
      [[maybe_unused]] const ssize_t w = ::write(pidPipe.write.get(), &monitor, sizeof monitor);
      ::_exit(0);
    }
    resetSignalsInChild();
    // Exactly 0-3 survive exec.
    if (!dupForExecInChild(devNull.get(), 0) || !dupForExecInChild(devNull.get(), 1) ||
        !dupForExecInChild(logFd.get(), 2) || !dupForExecInChild(sync.write.get(), kChildSyncFd)) {
      reportErrnoInChild(sync.write.get(), "{\"error\": \"set up crix-conmon's fds: ", errno,
                         suffix);
      ::_exit(1);
    }
    closeFdsFromInChild(kChildSyncFd + 1);
    if (::chdir(req.bundleDir.c_str()) != 0) {
      reportErrnoInChild(kChildSyncFd, chdirJson.c_str(), errno, suffix);
      ::_exit(1);
    }
    ::execve(args.path(), args.argv(), args.envp());
    reportErrnoInChild(kChildSyncFd, execJson.c_str(), errno, suffix);
    ::_exit(127);
  }
  sync.write.reset();
  pidPipe.write.reset();
  devNull.reset();
  logFd.reset();

  // The middle process exits at once; reaping it is what keeps it from
  // lingering as a zombie of the daemon.
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  MonitorStarted started;
  pid_t monitorPid = 0;
  if (::read(pidPipe.read.get(), &monitorPid, sizeof monitorPid) == sizeof monitorPid)
    started.monitorPid = monitorPid;

  if (started.monitorPid > 0 && !req.monitorCgroup.empty()) {
    try {
      moveToCgroup(started.monitorPid, req.monitorCgroup);
    } catch (const Error& e) {
      // The container works either way; only accounting differs.
      log::warn("container ", req.containerId,
                ": crix-conmon stays in the daemon's cgroup: ", e.what());
    }
  }

  const auto reported = readSyncLine(sync.read.get(), Clock::now() + req.syncTimeout);
  if (!reported) {
    if (started.monitorPid > 0) ::kill(started.monitorPid, SIGKILL);
    const std::string more = removeLeftovers(req);
    throw Error(StatusCode::DeadlineExceeded,
                "create container timeout: crix-conmon did not report container " +
                    req.containerId + " within " + std::to_string(req.syncTimeout.count()) +
                    " s and was killed" + more);
  }
  const std::string& line = *reported;
  if (line.empty()) {
    const std::string more = removeLeftovers(req);
    const std::string tail = fileTail(conmonLog);
    throw Error(StatusCode::Unknown,
                "container create failed: crix-conmon for " + req.containerId +
                    " exited without reporting" +
                    (tail.empty() ? "" : "; its stderr (" + conmonLog + "): " + tail) + more);
  }

  nlohmann::json report;
  try {
    report = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception& e) {
    const std::string more = removeLeftovers(req);
    throw Error::internal("container create failed: crix-conmon reported what is not JSON: " +
                          line.substr(0, 512) + more);
  }
  if (report.contains("error")) {
    const std::string text =
        report["error"].is_string() ? report["error"].get<std::string>() : report["error"].dump();
    const std::string more = removeLeftovers(req);
    throw Error(StatusCode::Unknown, "container create failed: " + text + more);
  }
  if (!report.contains("pid") || !report["pid"].is_number_integer() ||
      report["pid"].get<int>() <= 0) {
    const std::string more = removeLeftovers(req);
    throw Error::internal("container create failed: crix-conmon reported no pid: " + line + more);
  }
  started.containerPid = report["pid"].get<int>();
  log::debug("container ", req.containerId, " created: pid ", started.containerPid,
             ", crix-conmon pid ", started.monitorPid);
  return started;
}

}  // namespace crix::oci

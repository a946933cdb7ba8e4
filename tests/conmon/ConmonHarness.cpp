#include "tests/conmon/ConmonHarness.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/Subprocess.h"

namespace crix::conmon::test {
namespace {

using Clock = std::chrono::steady_clock;

std::string randomHex(size_t n) {
  std::random_device rd;
  std::string s;
  for (size_t i = 0; i < n; ++i) s += "0123456789abcdef"[rd() % 16];
  return s;
}

void check(bool ok, const std::string& what) {
  if (!ok) throw std::runtime_error(what);
}

void writeText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  check(static_cast<bool>(out), "cannot write " + path);
}

const char* const kApplets[] = {"sh", "echo", "cat", "sleep", "stty", "head", "tr", "printf",
                                "seq", "true", "false", "kill", "ls", "ps", "yes", "dd", "wc"};

}  // namespace

bool waitUntil(const std::function<bool()>& condition, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
}

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

TestContainer::TestContainer(const BundleSpec& spec, const std::string& dirPrefix) : dir(dirPrefix) {
  id = "crix-conmon-test-" + randomHex(12);
  cgroupName = "/" + id;
  bundle = dir / "bundle";
  runcRoot = dir / "runc";
  logFile = dir / "ctr.log";
  exitFile = dir / "exit";
  attachSocket = dir / "attach";
  ctlFifo = dir / "ctl";
  pidFile = dir / "pid";
  diagFile = dir / "conmon.diag";

  const std::string rootfs = bundle + "/rootfs";
  ::mkdir(bundle.c_str(), 0755);
  for (const char* sub : {"", "/bin", "/proc", "/dev", "/sys", "/tmp", "/etc"})
    ::mkdir((rootfs + sub).c_str(), 0755);
  const auto copy = crix::test::runProcess({"/bin/cp", "/bin/busybox", rootfs + "/bin/busybox"}, 20s);
  check(copy.exitCode == 0, "copy busybox: " + copy.err);
  for (const char* applet : kApplets)
    check(::symlink("busybox", (rootfs + "/bin/" + applet).c_str()) == 0, "symlink " + std::string(applet));

  const auto specRun = crix::test::runProcess({kRunc, "spec", "--bundle", bundle}, 20s);
  check(specRun.exitCode == 0, "runc spec: " + specRun.err);
  nlohmann::json config = nlohmann::json::parse(slurp(bundle + "/config.json"));
  config["process"]["args"] = spec.args;
  config["process"]["terminal"] = spec.terminal;
  config["linux"]["cgroupsPath"] = cgroupName;
  if (spec.memoryLimitBytes > 0) {
    config["linux"]["resources"]["memory"]["limit"] = spec.memoryLimitBytes;
    // Equal limits for memory and memory+swap: the container cannot swap out
    // of an OOM.
    config["linux"]["resources"]["memory"]["swap"] = spec.memoryLimitBytes;
  }
  processSpec_ = config["process"];
  writeText(bundle + "/config.json", config.dump(2));
}

TestContainer::~TestContainer() {
  crix::test::runProcess(runc({"delete", "--force", id}), 20s);
  if (conmonPid_ > 0 && !waitConmonExit(5s)) {
    ::kill(conmonPid_, SIGKILL);
    ::waitpid(conmonPid_, nullptr, 0);
  }
  // runc delete removes the cgroups; this is for when it could not.
  if (DIR* d = ::opendir("/sys/fs/cgroup")) {
    while (const dirent* e = ::readdir(d)) {
      if (e->d_name[0] == '.') continue;
      ::rmdir((std::string("/sys/fs/cgroup/") + e->d_name + cgroupName).c_str());
    }
    ::closedir(d);
  }
}

std::vector<std::string> TestContainer::runc(std::vector<std::string> args) const {
  args.insert(args.begin(), {kRunc, "--root", runcRoot});
  return args;
}

std::string TestContainer::create(const std::vector<std::string>& extraArgs) {
  std::vector<std::string> argv = {kConmon,          "--cid",          id,          "--bundle",      bundle,
                                   "--runtime",      kRunc,            "--runtime-root", runcRoot,    "--log-path",
                                   logFile,          "--exit-file",    exitFile,    "--attach-socket", attachSocket,
                                   "--ctl-fifo",     ctlFifo,          "--pid-file", pidFile,       "--sync-fd",
                                   "3",              "--log-level",    "debug"};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  return runWithSyncFd(argv, diagFile, conmonPid_);
}

std::string runWithSyncFd(const std::vector<std::string>& argvIn, const std::string& diagFile, pid_t& pid) {
  int fds[2];
  check(::pipe2(fds, O_CLOEXEC) == 0, "pipe");
  std::vector<std::string> argv = argvIn;
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int diag = ::open(diagFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

  pid = ::fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    const int devNull = ::open("/dev/null", O_RDONLY);
    ::dup2(devNull, 0);
    ::dup2(diag, 1);
    ::dup2(diag, 2);
    ::dup2(fds[1], 3);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  ::close(diag);

  std::string line;
  const auto deadline = Clock::now() + 30s;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    char buf[4096];
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    line.append(buf, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  return line;
}

pid_t TestContainer::pidFrom(const std::string& syncLine) {
  try {
    const auto j = nlohmann::json::parse(syncLine);
    return j.contains("pid") ? j["pid"].get<pid_t>() : -1;
  } catch (const std::exception&) {
    return -1;
  }
}

std::string TestContainer::runcState() const {
  const auto r = crix::test::runProcess(runc({"state", id}), 20s);
  if (r.exitCode != 0) return "";
  try {
    return nlohmann::json::parse(r.out)["status"].get<std::string>();
  } catch (const std::exception&) {
    return "";
  }
}

void TestContainer::start() const {
  const auto r = crix::test::runProcess(runc({"start", id}), 20s);
  check(r.exitCode == 0, "runc start: " + r.err);
}

std::optional<int> TestContainer::waitConmonExit(Millis timeout) {
  if (conmonPid_ <= 0) return std::nullopt;
  std::optional<int> code;
  waitUntil(
      [&] {
        int status = 0;
        if (::waitpid(conmonPid_, &status, WNOHANG) != conmonPid_) return false;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        conmonPid_ = -1;
        return true;
      },
      timeout);
  return code;
}

nlohmann::json TestContainer::exitReport(Millis timeout) const {
  if (!waitUntil([&] { return exists(exitFile); }, timeout)) return {};
  return nlohmann::json::parse(slurp(exitFile));
}

std::string TestContainer::waitForLog(const std::string& text, Millis timeout) const {
  std::string log;
  waitUntil(
      [&] {
        log = slurp(logFile);
        return log.find(text) != std::string::npos;
      },
      timeout);
  return log;
}

std::vector<TestContainer::LogEntry> TestContainer::parseLog(const std::string& text) {
  std::vector<LogEntry> entries;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const size_t a = line.find(' ');
    const size_t b = line.find(' ', a + 1);
    const size_t c = line.find(' ', b + 1);
    if (c == std::string::npos) {
      entries.push_back({"?", "?", line});
      continue;
    }
    entries.push_back({line.substr(a + 1, b - a - 1), line.substr(b + 1, c - b - 1), line.substr(c + 1)});
  }
  return entries;
}

std::vector<pid_t> TestContainer::cgroupProcesses() const {
  std::vector<pid_t> pids;
  for (const std::string base : {"/sys/fs/cgroup/memory", "/sys/fs/cgroup"}) {
    std::ifstream in(base + cgroupName + "/cgroup.procs");
    if (!in) continue;
    pid_t pid;
    while (in >> pid) pids.push_back(pid);
    break;
  }
  return pids;
}

nlohmann::json TestContainer::execProcess(const std::vector<std::string>& args, bool terminal) const {
  nlohmann::json process = processSpec_;
  process["args"] = args;
  process["terminal"] = terminal;
  return process;
}

TestContainer::ExecResult TestContainer::exec(const std::vector<std::string>& args,
                                              const std::vector<std::string>& extraArgs, bool terminal,
                                              Millis timeout) {
  static int counter = 0;
  const std::string n = std::to_string(++counter);
  nlohmann::json process = processSpec_;
  process["args"] = args;
  process["terminal"] = terminal;
  const std::string processFile = dir / ("exec" + n + ".json");
  const std::string execExit = dir / ("exec" + n + ".exit");
  const std::string outFile = dir / ("exec" + n + ".out");
  const std::string errFile = dir / ("exec" + n + ".err");
  writeText(processFile, process.dump());
  std::vector<std::string> argv = {kConmon,       "exec",      "--cid",         id,          "--runtime",
                                   kRunc,         "--runtime-root", runcRoot,  "--process",   processFile,
                                   "--exit-file", execExit,    "--stdout-file", outFile,     "--stderr-file",
                                   errFile,       "--log-level", "debug"};
  if (terminal) argv.push_back("--terminal");
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  const auto r = crix::test::runProcess(argv, timeout);
  writeText(dir / ("exec" + n + ".diag"), r.err);
  ExecResult result;
  result.conmonExitCode = r.timedOut ? -1 : r.exitCode;
  if (exists(execExit)) result.report = nlohmann::json::parse(slurp(execExit));
  result.out = slurp(outFile);
  result.err = slurp(errFile);
  return result;
}

StreamingExec::StreamingExec(TestContainer& c, const std::vector<std::string>& args,
                             const std::vector<std::string>& extraArgs, bool terminal) {
  static int counter = 0;
  const std::string n = "stream" + std::to_string(++counter);
  processFile = c.dir / (n + ".json");
  attachSocket = c.dir / (n + ".attach");
  ctlFifo = c.dir / (n + ".ctl");
  exitFile = c.dir / (n + ".exit");
  diagFile = c.dir / (n + ".diag");
  writeText(processFile, c.execProcess(args, terminal).dump());
  std::vector<std::string> argv = {kConmon,         "exec",        "--cid",           c.id,
                                   "--runtime",     kRunc,         "--runtime-root",  c.runcRoot,
                                   "--process",     processFile,   "--exit-file",     exitFile,
                                   "--attach-socket", attachSocket, "--ctl-fifo",     ctlFifo,
                                   "--sync-fd",     "3",           "--log-level",     "debug"};
  if (terminal) argv.push_back("--terminal");
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  syncLine = runWithSyncFd(argv, diagFile, conmonPid_);
}

StreamingExec::~StreamingExec() {
  if (conmonPid_ <= 0) return;
  // The exec first, so that nothing is left in the container; then crix-conmon.
  if (exists(ctlFifo)) {
    const int fd = ::open(ctlFifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd >= 0) {
      [[maybe_unused]] const ssize_t w = ::write(fd, "3 0 0\n", 6);
      ::close(fd);
    }
  }
  if (!waitConmonExit(10s)) {
    ::kill(conmonPid_, SIGKILL);
    ::waitpid(conmonPid_, nullptr, 0);
  }
}

std::optional<int> StreamingExec::waitConmonExit(Millis timeout) {
  if (conmonPid_ <= 0) return std::nullopt;
  std::optional<int> code;
  waitUntil(
      [&] {
        int status = 0;
        if (::waitpid(conmonPid_, &status, WNOHANG) != conmonPid_) return false;
        code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        conmonPid_ = -1;
        return true;
      },
      timeout);
  return code;
}

nlohmann::json StreamingExec::exitReport(Millis timeout) const {
  if (!waitUntil([&] { return exists(exitFile); }, timeout)) return {};
  return nlohmann::json::parse(slurp(exitFile));
}

int connectLongPath(const std::string& path, int type) {
  const size_t slash = path.rfind('/');
  const int dirFd = ::open(path.substr(0, slash).c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  check(dirFd >= 0, "open dir of " + path);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string shortPath = "/proc/self/fd/" + std::to_string(dirFd) + "/" + path.substr(slash + 1);
  std::strncpy(addr.sun_path, shortPath.c_str(), sizeof addr.sun_path - 1);
  const int fd = ::socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
  const int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  const int err = errno;
  ::close(dirFd);
  if (rc != 0) {
    ::close(fd);
    throw std::runtime_error("connect " + path + ": " + std::strerror(err));
  }
  return fd;
}

AttachClient::AttachClient(const std::string& socketPath) : fd_(connectLongPath(socketPath, SOCK_SEQPACKET)) {}

AttachClient::~AttachClient() { ::close(fd_); }

void AttachClient::send(const std::string& data) {
  check(::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size()), "attach send");
}

void AttachClient::closeWrite() { ::shutdown(fd_, SHUT_WR); }

void AttachClient::readPackets(int timeoutMs) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, timeoutMs) <= 0) return;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
  if (n <= 0) {
    if (n == 0) ended_ = true;
    std::this_thread::sleep_for(10ms);  // closed: nothing more will come
    return;
  }
  (buf[0] == 3 ? err : out).append(buf + 1, static_cast<size_t>(n - 1));
}

bool AttachClient::waitForEnd(Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!ended_) {
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    readPackets(static_cast<int>(std::min<long long>(left, 100)));
  }
  return true;
}

bool AttachClient::waitFor(const std::string& text, int stream, Millis timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t searched = 0;  // only new output is searched: it can be megabytes
  for (;;) {
    const std::string& got = stream == 3 ? err : out;
    if (got.find(text, searched) != std::string::npos) return true;
    searched = got.size() >= text.size() ? got.size() - text.size() + 1 : 0;
    const auto left = std::chrono::duration_cast<Millis>(deadline - Clock::now()).count();
    if (left <= 0) return false;
    readPackets(static_cast<int>(std::min<long long>(left, 100)));
  }
}

}  // namespace crix::conmon::test

#include "tests/support/DaemonProcess.h"

#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/ChildProcess.h"
#include "tests/support/MountTable.h"
#include "tests/support/Subprocess.h"

namespace crix::test {
namespace {

bool socketAccepts(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

DaemonProcess::DaemonProcess(std::string configText) : dir_("crix-daemon") {
  socket_ = dir_ / "crix.sock";
  configFile_ = dir_ / "crix.conf";
  configDir_ = dir_ / "crix.conf.d";
  logFile_ = dir_ / "crix.log";
  std::filesystem::create_directories(configDir_);
  writeFile(configFile_, configText);
  writeTestRuntimeConfig();
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
  }
  // A destructor must not throw; what cannot be cleaned is left to the
  // TempDir removal, which reports nothing either.
  try {
    removeLeftovers();
  } catch (...) {
  }
}

void DaemonProcess::writeTestRuntimeConfig() const {
#ifdef CRIX_CONMON_BINARY
  const auto q = [](const std::string& s) { return "\"" + s + "\""; };
  writeFile(configDir_ + "/00-crix-test-runtime.conf",
            "# Written by tests/support/DaemonProcess: everything under the test's temp dir.\n"
            "[crio]\n"
            "log_dir = " + q(podLogDir()) + "\n"
            "version_file = " + q(runrootDir() + "/version") + "\n"
            "clean_shutdown_file = " + q(rootDir() + "/clean.shutdown") + "\n"
            "[crio.runtime]\n"
            "conmon = " + q(CRIX_CONMON_BINARY) + "\n"
            "container_exits_dir = " + q(runrootDir() + "/exits") + "\n"
            "container_attach_socket_dir = " + q(runrootDir()) + "\n"
            "namespaces_dir = " + q(runrootDir() + "/ns") + "\n"
            "[crio.runtime.runtimes.runc]\n"
            "runtime_type = \"oci\"\n"
            "runtime_path = \"/usr/sbin/runc\"\n"
            "runtime_root = " + q(runcRoot()) + "\n"
            "monitor_path = " + q(CRIX_CONMON_BINARY) + "\n"
            "[crio.network]\n"
            "network_dir = " + q(networkDir()) + "\n"
            "plugin_dirs = [\"/usr/lib/cni\"]\n");
  // Pods need a pod network; this one gives them only `lo`, touching
  // nothing on the host. Network tests add their own (lexically earlier).
  std::filesystem::create_directories(networkDir());
  writeFile(networkDir() + "/99-crix-test-loopback.conflist",
            R"({"cniVersion": "1.0.0", "name": "crix-test-loopback", "plugins": [{"type": "loopback"}]})");
#endif
}

// The safety net behind a test that failed before removing its pods: the
// daemon is gone by now, so runc is asked directly.
void DaemonProcess::removeLeftovers() const {
  namespace fs = std::filesystem;
  if (fs::is_directory(runcRoot()) && fs::exists("/usr/sbin/runc")) {
    const auto list = runProcess({"/usr/sbin/runc", "--root", runcRoot(), "list", "-q"}, std::chrono::seconds(10));
    std::istringstream ids(list.out);
    std::string id;
    while (std::getline(ids, id)) {
      if (id.empty()) continue;
      runProcess({"/usr/sbin/runc", "--root", runcRoot(), "kill", "--all", id, "KILL"}, std::chrono::seconds(10));
      runProcess({"/usr/sbin/runc", "--root", runcRoot(), "delete", "--force", id}, std::chrono::seconds(10));
    }
  }
  // Monitors and pause processes are not runc containers; they name their
  // files under this dir on their command lines.
  for (const auto& e : fs::directory_iterator("/proc")) {
    const auto name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(e.path() / "cmdline");
    const std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (cmdline.find(dir_.path() + "/") != std::string::npos) ::kill(std::stoi(name), SIGKILL);
  }
  for (int pass = 0; pass < 3; ++pass) {
    auto mounts = mountsBelow(dir_.path());
    if (mounts.empty()) break;
    // Deepest (latest) first.
    std::reverse(mounts.begin(), mounts.end());
    for (const auto& m : mounts) ::umount2(m.c_str(), MNT_DETACH);
  }
}

std::vector<std::string> DaemonProcess::commandLine(const std::vector<std::string>& extraArgs) const {
  std::vector<std::string> argv = {CRIX_BINARY,         "--config",  configFile_,
                                   "--config-dir",      configDir_,  "--listen",
                                   socket_,             "--root",    dir_ / "root",
                                   "--runroot",         dir_ / "runroot"};
  argv.insert(argv.end(), extraArgs.begin(), extraArgs.end());
  return argv;
}

void DaemonProcess::spawn(const std::vector<std::string>& extraArgs) {
  if (pid_ > 0) throw std::logic_error("daemon already started");
  pid_ = spawnWithLog(commandLine(extraArgs), logFile_);
}

void DaemonProcess::start(const std::vector<std::string>& extraArgs) {
  spawn(extraArgs);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (socketAccepts(socket_)) return;
    if (!running()) throw std::runtime_error("crix exited during start-up:\n" + log());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("crix did not listen on " + socket_ + " within 10 s:\n" + log());
}

int DaemonProcess::runToExit(const std::vector<std::string>& extraArgs,
                             std::chrono::milliseconds timeout) {
  spawn(extraArgs);
  const auto code = waitExit(timeout);
  if (!code) throw std::runtime_error("crix did not exit in time:\n" + log());
  return *code;
}

void DaemonProcess::signal(int sig) const {
  if (pid_ > 0) ::kill(pid_, sig);
}

bool DaemonProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::optional<int> DaemonProcess::waitExit(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  int status = 0;
  if (!waitForExit(pid_, std::chrono::steady_clock::now() + timeout, status)) return std::nullopt;
  pid_ = -1;
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return std::nullopt;
}

std::string DaemonProcess::log() const { return readFile(logFile_); }

bool DaemonProcess::waitForLog(const std::string& text, std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    if (log().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

std::unique_ptr<runtime::v1::RuntimeService::Stub> DaemonProcess::runtimeClient() const {
  return runtime::v1::RuntimeService::NewStub(
      grpc::CreateChannel("unix:" + socket_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<runtime::v1::ImageService::Stub> DaemonProcess::imageClient() const {
  return runtime::v1::ImageService::NewStub(
      grpc::CreateChannel("unix:" + socket_, grpc::InsecureChannelCredentials()));
}

std::unique_ptr<grpc::ClientContext> deadlineContext(std::chrono::milliseconds timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
  return ctx;
}

}  // namespace crix::test

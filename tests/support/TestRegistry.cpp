#include "tests/support/TestRegistry.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "core/UniqueFd.h"

namespace crix::registry::testing {

namespace fs = std::filesystem;
using namespace std::chrono;

ScratchDirectory::ScratchDirectory(const std::string& prefix) {
  std::string pattern = (fs::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDirectory::~ScratchDirectory() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

fs::path ScratchDirectory::write(const std::string& relative, const std::string& content) const {
  const fs::path target = path_ / relative;
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + target.string());
  return target;
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

namespace {

// Waits for `pid` until `deadline`; true when it exited (status filled).
bool waitUntil(pid_t pid, steady_clock::time_point deadline, int& status) {
  while (true) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return true;
    if (steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
}

std::vector<char*> argvPointers(const std::vector<std::string>& argv) {
  std::vector<char*> out;
  for (const auto& a : argv) out.push_back(const_cast<char*>(a.c_str()));
  out.push_back(nullptr);
  return out;
}

}  // namespace

CommandResult runCommand(const std::vector<std::string>& argv, seconds timeout) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  UniqueFd readEnd(fds[0]);
  UniqueFd writeEnd(fds[1]);
  auto args = argvPointers(argv);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(writeEnd.get(), 1);
    ::dup2(writeEnd.get(), 2);
    const int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    ::setpgid(0, 0);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  writeEnd.reset();
  CommandResult result;
  const auto deadline = steady_clock::now() + timeout;
  bool timedOut = false;
  while (true) {
    const auto left = duration_cast<milliseconds>(deadline - steady_clock::now()).count();
    if (left <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{.fd = readEnd.get(), .events = POLLIN, .revents = 0};
    const int r = ::poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buffer[4096];
    const ssize_t n = ::read(readEnd.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    result.output.append(buffer, static_cast<std::size_t>(n));
  }
  int status = 0;
  if (timedOut) {
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
    result.exitCode = -1;
    result.output += "\n[killed after " + std::to_string(timeout.count()) + " s]";
    return result;
  }
  if (!waitUntil(pid, steady_clock::now() + seconds(5), status)) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string runChecked(const std::vector<std::string>& argv, seconds timeout) {
  CommandResult r = runCommand(argv, timeout);
  if (r.exitCode != 0) {
    std::string command;
    for (const auto& a : argv) command += a + " ";
    throw std::runtime_error("command failed (" + std::to_string(r.exitCode) + "): " + command + "\n" + r.output);
  }
  return r.output;
}

int freeLoopbackPort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw std::runtime_error("bind failed");
  socklen_t len = sizeof addr;
  ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len);
  return ntohs(addr.sin_port);
}

namespace {

bool isListening(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

}  // namespace

bool TestRegistry::available() { return ::access(kBinary, X_OK) == 0; }

TestRegistry::TestRegistry(const fs::path& directory, const TestRegistryOptions& options) : directory_(directory) {
  fs::create_directories(directory_ / "storage");
  port_ = freeLoopbackPort();
  std::ostringstream yaml;
  yaml << "version: 0.1\n"
       << "log:\n  level: info\n  accesslog:\n    disabled: true\n"
       << "storage:\n  filesystem:\n    rootdirectory: " << (directory_ / "storage").string() << "\n"
       << "  delete:\n    enabled: true\n"
       << "http:\n  addr: 127.0.0.1:" << port_ << "\n";
  if (options.tlsCertificate) {
    yaml << "  tls:\n    certificate: " << options.tlsCertificate->string() << "\n    key: " << options.tlsKey->string()
         << "\n";
    if (options.clientCa) yaml << "    clientcas:\n      - " << options.clientCa->string() << "\n";
  }
  if (options.htpasswd) {
    yaml << "auth:\n  htpasswd:\n    realm: crix-test\n    path: " << options.htpasswd->string() << "\n";
  }
  if (options.tokenSigner) {
    yaml << "auth:\n  token:\n    realm: " << options.tokenRealm << "\n    service: " << options.tokenService
         << "\n    issuer: " << options.tokenIssuer << "\n    rootcertbundle: " << options.tokenSigner->string() << "\n";
  }
  const fs::path config = directory_ / "config.yml";
  std::ofstream(config) << yaml.str();

  const std::string logPath = (directory_ / "registry.log").string();
  std::vector<std::string> argv{kBinary, "serve", config.string()};
  auto args = argvPointers(argv);
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    const int logFd = ::open(logPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (logFd >= 0) {
      ::dup2(logFd, 1);
      ::dup2(logFd, 2);
    }
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  const auto deadline = steady_clock::now() + seconds(10);
  while (!isListening(port_)) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("docker-registry exited early:\n" + log());
    }
    if (steady_clock::now() >= deadline) {
      stop();
      throw std::runtime_error("docker-registry did not listen on port " + std::to_string(port_) +
                               " within 10 s:\n" + log());
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
}

TestRegistry::~TestRegistry() { stop(); }

void TestRegistry::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!waitUntil(pid_, steady_clock::now() + seconds(5), status)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

fs::path TestRegistry::blobDataPath(const std::string& hex) const {
  return directory_ / "storage/docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
}

std::string TestRegistry::log() const { return readFile(directory_ / "registry.log"); }

}  // namespace crix::registry::testing

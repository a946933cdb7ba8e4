#include "tests/support/TestRegistry.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <stdexcept>
#include <thread>

#include "tests/support/ChildProcess.h"
#include "tests/support/LoopbackSocket.h"
#include "tests/support/Subprocess.h"

namespace crix::test {

namespace fs = std::filesystem;
using namespace std::chrono;

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
  writeFile(config, yaml.str());

  pid_ = spawnWithLog({kBinary, "serve", config.string()}, (directory_ / "registry.log").string());
  const auto deadline = steady_clock::now() + seconds(10);
  while (!isListeningOnLoopback(port_)) {
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
  if (!waitForExit(pid_, steady_clock::now() + seconds(5), status)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

fs::path TestRegistry::blobDataPath(const std::string& hex) const {
  return directory_ / "storage/docker/registry/v2/blobs/sha256" / hex.substr(0, 2) / hex / "data";
}

std::string TestRegistry::log() const { return readFile(directory_ / "registry.log"); }

}  // namespace crix::test

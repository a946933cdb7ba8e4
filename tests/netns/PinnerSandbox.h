// A NamespacePinner on a private directory, and everything the tests need to
// look at what it left: mounts below a directory, namespace inodes, whether a
// process still runs. Cleans up (releases every pod it pinned, unmounts the
// directory, kills leftover pause processes) also when a test fails.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "netns/NamespacePinner.h"
#include "tests/support/TempDir.h"

namespace crix::netns::testing {

inline constexpr const char* kPauseBinary = CRIX_CONMON_BINARY;

// A request with chainable settings: request("pod", "host").withPid(true).
struct Request : PodNamespaceRequest {
  Request& withNetwork(bool on) { network = on; return *this; }
  Request& withIpc(bool on) { ipc = on; return *this; }
  Request& withUts(bool on) { uts = on; return *this; }
  Request& withPid(bool on) { pid = on; return *this; }
};
inline Request request(const std::string& podId, const std::string& hostname) {
  Request r;
  r.podId = podId;
  r.hostname = hostname;
  return r;
}

class PinnerSandbox {
 public:
  PinnerSandbox();
  ~PinnerSandbox();
  PinnerSandbox(const PinnerSandbox&) = delete;
  PinnerSandbox& operator=(const PinnerSandbox&) = delete;

  const std::string& nsDir() const { return nsDir_; }
  NamespacePinner& pinner() { return pinner_; }
  // Pins and remembers the pod for cleanup.
  PinnedNamespaces pin(const PodNamespaceRequest& request);
  // For pods pinned some other way (another process, another pinner).
  void track(const std::string& podId, int pausePid = 0);

 private:
  test::TempDir dir_{"crix-netns"};
  std::string nsDir_;
  NamespacePinner pinner_;
  std::vector<std::string> pods_;
  std::vector<int> pausePids_;
};

// Mount points at or below `dir` in this process's mount namespace.
std::vector<std::string> mountsBelow(const std::string& dir);
// Regular files (and other non-directories) below `dir`, recursively.
std::vector<std::string> filesBelow(const std::string& dir);
ino_t inodeOf(const std::string& path);
// Alive and not a zombie.
bool processRuns(pid_t pid);
// The NSpid line of /proc/PID/status, e.g. "1234\t1".
std::string nsPid(pid_t pid);

}  // namespace crix::netns::testing

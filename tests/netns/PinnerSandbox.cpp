#include "tests/netns/PinnerSandbox.h"

#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/Error.h"
#include "tests/support/MountTable.h"
#include "tests/support/Subprocess.h"

namespace fs = std::filesystem;

namespace crix::netns::testing {

PinnerSandbox::PinnerSandbox() : nsDir_(dir_ / "ns"), pinner_(nsDir_, kPauseBinary) {}

PinnerSandbox::~PinnerSandbox() {
  for (const auto& pod : pods_) {
    try {
      pinner_.release(pod);
    } catch (const Error&) {
      // Still tearing down; the checks of the test reported the failure.
    }
  }
  for (int pid : pausePids_) ::kill(pid, SIGKILL);
  // Pins of pods that were never tracked, then the directory's own mount.
  for (int i = 0; i < 64; ++i) {
    const auto mounts = mountsBelow(nsDir_);
    if (mounts.empty()) break;
    for (auto it = mounts.rbegin(); it != mounts.rend(); ++it) ::umount2(it->c_str(), MNT_DETACH);
  }
}

PinnedNamespaces PinnerSandbox::pin(const PodNamespaceRequest& request) {
  pods_.push_back(request.podId);
  PinnedNamespaces pinned = pinner_.pin(request);
  if (pinned.pausePid) pausePids_.push_back(pinned.pausePid);
  return pinned;
}

void PinnerSandbox::track(const std::string& podId, int pausePid) {
  pods_.push_back(podId);
  if (pausePid) pausePids_.push_back(pausePid);
}

std::vector<std::string> mountsBelow(const std::string& dir) {
  return test::mountsBelow(fs::weakly_canonical(dir).string());
}

std::vector<std::string> filesBelow(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return files;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec))
    if (!entry.is_directory()) files.push_back(entry.path().string());
  return files;
}

ino_t inodeOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_ino;
}

bool processRuns(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) return false;
  const size_t paren = text.rfind(')');
  return paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] != 'Z' && text[paren + 2] != 'X';
}

std::string nsPid(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.starts_with("NSpid:")) {
      const size_t start = line.find_first_not_of(" \t", 6);
      return start == std::string::npos ? "" : line.substr(start);
    }
  return "";
}

}  // namespace crix::netns::testing

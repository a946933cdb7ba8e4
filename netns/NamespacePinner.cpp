#include "netns/NamespacePinner.h"

#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <vector>

#include "core/Error.h"
#include "core/Log.h"
#include "netns/NsfsPin.h"
#include "netns/PauseProcess.h"
#include "netns/UnsharedChild.h"

namespace crix::netns {

namespace {

constexpr const char* kNetDir = "netns";
constexpr const char* kIpcDir = "ipcns";
constexpr const char* kUtsDir = "utsns";
constexpr const char* kPidDir = "pidns";
constexpr const char* kPauseDir = "pause";
// The kernel's limit (HOST_NAME_MAX).
constexpr size_t kMaxHostname = 64;

void validatePodId(const std::string& podId) {
  if (podId.empty() || podId == "." || podId == ".." || podId.find('/') != std::string::npos ||
      podId.find('\0') != std::string::npos || podId.size() > 255)
    throw Error::invalidArgument("pod id \"" + podId + "\" cannot name a namespace file");
}

void makeDirectory(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0711) != 0 && errno != EEXIST) throw Error::fromErrno("create " + dir, errno);
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) throw Error::fromErrno("stat " + dir, errno);
  if (!S_ISDIR(st.st_mode)) throw Error::failedPrecondition(dir + " is not a directory");
}

void makeDirectories(const std::string& dir) {
  for (size_t slash = dir.find('/', 1); slash != std::string::npos; slash = dir.find('/', slash + 1))
    makeDirectory(dir.substr(0, slash));
  makeDirectory(dir);
}

bool exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

std::optional<pid_t> readPid(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  long long value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 1) return std::nullopt;
  return static_cast<pid_t>(value);
}

// Undoes the steps of a pin that did not complete, newest first.
class Rollback {
 public:
  ~Rollback() {
    for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
      try {
        (*it)();
      } catch (const Error& e) {
        log::error("undoing a failed namespace pin: ", e.what());
      }
    }
  }
  void add(std::function<void()> step) { undo_.push_back(std::move(step)); }
  void commit() { undo_.clear(); }

 private:
  std::vector<std::function<void()>> undo_;
};

}  // namespace

NamespacePinner::NamespacePinner(std::string nsDir, std::string pauseBinary)
    : nsDir_(std::move(nsDir)), pauseBinary_(std::move(pauseBinary)) {
  while (nsDir_.size() > 1 && nsDir_.back() == '/') nsDir_.pop_back();
}

std::string NamespacePinner::path(const char* subdir, const std::string& podId) const {
  return nsDir_ + "/" + subdir + "/" + podId;
}

void NamespacePinner::prepareDirectories() {
  // Two first pins at once must not both bind the directory on itself.
  std::lock_guard lock(prepareMutex_);
  if (prepared_) return;
  try {
    makeDirectories(nsDir_);
    makeSharedMountPoint(nsDir_);
    for (const char* sub : {kNetDir, kIpcDir, kUtsDir, kPidDir, kPauseDir}) makeDirectory(nsDir_ + "/" + sub);
  } catch (const Error& e) {
    throw Error(e.code(), "prepare the namespace directory " + nsDir_ + ": " + e.what());
  }
  prepared_ = true;
}

PinnedNamespaces NamespacePinner::pin(const PodNamespaceRequest& req) {
  validatePodId(req.podId);
  if (req.hostname.size() > kMaxHostname)
    throw Error::invalidArgument("hostname of pod " + req.podId + " is longer than 64 bytes");
  const std::string context = "pin the namespaces of pod " + req.podId;
  for (const char* sub : {kNetDir, kIpcDir, kUtsDir, kPidDir, kPauseDir})
    if (exists(path(sub, req.podId)))
      throw Error::alreadyExists(context + ": " + path(sub, req.podId) + " exists (release the pod first)");
  try {
    prepareDirectories();
  } catch (const Error& e) {
    throw Error(e.code(), context + ": " + e.what());
  }

  PinnedNamespaces pinned;
  Rollback rollback;
  const int flags = (req.network ? CLONE_NEWNET : 0) | (req.ipc ? CLONE_NEWIPC : 0) | (req.uts ? CLONE_NEWUTS : 0);
  if (flags != 0) {
    UnsharedChild child(flags, req.hostname, req.podId);
    struct Kind {
      bool wanted;
      const char* dir;
      const char* proc;
      const char* name;
      std::string* out;
    };
    for (const Kind& k : {Kind{req.network, kNetDir, "net", "network", &pinned.network},
                          Kind{req.ipc, kIpcDir, "ipc", "IPC", &pinned.ipc},
                          Kind{req.uts, kUtsDir, "uts", "UTS", &pinned.uts}}) {
      if (!k.wanted) continue;
      const std::string target = path(k.dir, req.podId);
      pinNamespace(child.namespacePath(k.proc), target,
                   "pin the " + std::string(k.name) + " namespace of pod " + req.podId);
      rollback.add([target] { unpinNamespace(target); });
      *k.out = target;
    }
  }

  if (req.pid) {
    const std::string pidFile = path(kPauseDir, req.podId);
    rollback.add([pidFile] { ::unlink(pidFile.c_str()); });
    const pid_t pause = startPause({pauseBinary_, req.podId, pidFile, pinned.network, pinned.ipc, pinned.uts});
    const std::string podId = req.podId;
    rollback.add([pause, podId] { stopPause(pause, podId, ""); });
    const std::string target = path(kPidDir, req.podId);
    pinNamespace("/proc/" + std::to_string(pause) + "/ns/pid", target, "pin the PID namespace of pod " + req.podId);
    rollback.add([target] { unpinNamespace(target); });
    pinned.pid = target;
    pinned.pausePid = pause;
  }
  rollback.commit();
  log::debug("pinned the namespaces of pod ", req.podId, " in ", nsDir_,
             pinned.pausePid ? " with pause process " + std::to_string(pinned.pausePid) : std::string());
  return pinned;
}

void NamespacePinner::release(const std::string& podId) {
  validatePodId(podId);
  std::optional<Error> first;
  auto attempt = [&](const std::function<void()>& step) {
    try {
      step();
    } catch (const Error& e) {
      log::error("release the namespaces of pod ", podId, ": ", e.what());
      if (!first) first = e;
    }
  };
  const std::string pidFile = path(kPauseDir, podId);
  const std::string pidNs = path(kPidDir, podId);
  if (const auto pause = readPid(pidFile)) attempt([&] { stopPause(*pause, podId, pidNs); });
  // The pid file goes only once its process is known to be gone, so that a
  // failed release can be retried.
  if (!first && ::unlink(pidFile.c_str()) != 0 && errno != ENOENT)
    attempt([&] { throw Error::fromErrno("remove " + pidFile, errno); });
  for (const char* sub : {kPidDir, kNetDir, kIpcDir, kUtsDir}) attempt([&] { unpinNamespace(path(sub, podId)); });
  if (first) throw Error(first->code(), "release the namespaces of pod " + podId + ": " + first->what());
}

std::optional<PinnedNamespaces> NamespacePinner::find(const std::string& podId) const {
  validatePodId(podId);
  PinnedNamespaces found;
  auto check = [&](const char* sub, std::string& out) {
    const std::string p = path(sub, podId);
    if (isPinnedNamespace(p)) out = p;
  };
  check(kNetDir, found.network);
  check(kIpcDir, found.ipc);
  check(kUtsDir, found.uts);
  check(kPidDir, found.pid);
  if (const auto pause = readPid(path(kPauseDir, podId)); pause && isPauseOf(*pause, podId, found.pid))
    found.pausePid = *pause;
  if (found.empty()) return std::nullopt;
  return found;
}

}  // namespace crix::netns

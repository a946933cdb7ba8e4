#include "cri/runtime/ExitWatcher.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/Error.h"
#include "core/Log.h"

namespace fs = std::filesystem;

namespace crix::cri {

namespace {

constexpr const char* kExitFileName = "exit";

bool hasExitFile(const std::string& dir) {
  std::error_code ec;
  return fs::exists(dir + "/" + kExitFileName, ec);
}

}  // namespace

ExitWatcher::ExitWatcher(std::string containersDir, OnExit onExit)
    : dir_(std::move(containersDir)),
      onExit_(std::move(onExit)),
      inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)),
      stop_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (!inotify_) throw Error::fromErrno("inotify_init1 for container exits", errno);
  if (!stop_) throw Error::fromErrno("eventfd for the exit watcher", errno);
  std::error_code ec;
  fs::create_directories(dir_, ec);
  topWatch_ = ::inotify_add_watch(inotify_.get(), dir_.c_str(), IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
  if (topWatch_ < 0) throw Error::fromErrno("inotify watch on " + dir_, errno);
  // Watches first, then the look at what is there: an exit between the two
  // is seen twice, never missed.
  scanAll();
  thread_ = std::thread([this] { run(); });
}

ExitWatcher::~ExitWatcher() {
  const uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(stop_.get(), &one, sizeof one);
  if (thread_.joinable()) thread_.join();
}

void ExitWatcher::watchContainer(const std::string& id) {
  if (id.empty() || id.front() == '.') return;
  const std::string dir = dir_ + "/" + id;
  // IN_ONLYDIR: a stray file in the containers directory is not a container.
  const int wd = ::inotify_add_watch(inotify_.get(), dir.c_str(), IN_MOVED_TO | IN_CLOSE_WRITE | IN_ONLYDIR);
  if (wd < 0) {
    // Gone already (removed), or not a directory: nothing to watch. Out of
    // watches (fs.inotify.max_user_watches) is for a person to raise: the
    // container's exit is then seen only when its status is read.
    if (errno == ENOSPC)
      log::warn("exit watcher: no inotify watch left for container ", id,
                " (raise fs.inotify.max_user_watches); its exit is seen only when its status is read");
    return;
  }
  watches_[wd] = id;
  if (hasExitFile(dir)) report(id);
}

void ExitWatcher::scanAll() {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir_, ec)) {
    if (entry.is_directory(ec)) watchContainer(entry.path().filename().string());
  }
  if (ec) log::error("exit watcher: listing ", dir_, ": ", ec.message());
}

void ExitWatcher::drainEvents() {
  alignas(inotify_event) char buffer[16 * 1024];
  for (;;) {
    const ssize_t n = ::read(inotify_.get(), buffer, sizeof buffer);
    if (n <= 0) return;  // EAGAIN: all read
    for (ssize_t at = 0; at < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + at);
      at += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      const std::string name = event->len ? event->name : "";
      if (event->mask & IN_Q_OVERFLOW) {
        log::warn("exit watcher: the kernel dropped events; looking at every container");
        scanAll();
      } else if (event->wd == topWatch_) {
        if (event->mask & IN_ISDIR) watchContainer(name);
      } else if (event->mask & IN_IGNORED) {
        watches_.erase(event->wd);  // the directory was removed
      } else if (name == kExitFileName) {
        if (auto it = watches_.find(event->wd); it != watches_.end()) report(it->second);
      }
    }
  }
}

void ExitWatcher::run() {
  pollfd fds[2] = {{inotify_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      log::error("exit watcher: poll failed: ", std::strerror(errno), "; exits are seen only when read");
      return;
    }
    if (fds[1].revents) return;
    drainEvents();
  }
}

void ExitWatcher::report(const std::string& id) noexcept {
  try {
    onExit_(id);
  } catch (const std::exception& e) {
    // Recording this container's exit failed; its status read retries it.
    // The watcher goes on for the others.
    log::error("exit watcher: recording the exit of container ", id, ": ", e.what());
  }
}

}  // namespace crix::cri

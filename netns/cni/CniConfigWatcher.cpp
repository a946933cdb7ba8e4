#include "netns/cni/CniConfigWatcher.h"

#include <sys/inotify.h>

#include <cerrno>

#include "core/Error.h"
#include "core/Log.h"

namespace crix::netns::cni {

namespace {

constexpr uint32_t kWatchedEvents = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM |
                                    IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB;

}  // namespace

CniConfigWatcher::CniConfigWatcher(std::string networkDir, std::string defaultName,
                                   std::vector<std::string> pluginDirs)
    : networkDir_(std::move(networkDir)),
      defaultName_(std::move(defaultName)),
      pluginDirs_(std::move(pluginDirs)),
      inotify_(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC)) {
  if (!inotify_) log::warn("inotify_init1: ", Error::fromErrno("", errno).what(), "; ", networkDir_, " is read again at every look");
}

bool CniConfigWatcher::changedSinceLastLook() {
  if (!inotify_) return true;
  bool changed = false;
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    const ssize_t n = ::read(inotify_.get(), buffer, sizeof buffer);
    if (n <= 0) break;
    changed = true;
    for (ssize_t off = 0; off < n;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer + off);
      // The directory itself went away: watch it again once it is back.
      if (event->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (watch_ >= 0) ::inotify_rm_watch(inotify_.get(), watch_);
        watch_ = -1;
      }
      off += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
    }
  }
  if (watch_ < 0) {
    watch_ = ::inotify_add_watch(inotify_.get(), networkDir_.c_str(), kWatchedEvents | IN_ONLYDIR);
    // Not there (yet): nothing to watch, so look at every call.
    if (watch_ < 0) return true;
    changed = true;
  }
  return changed;
}

NetworkChoice CniConfigWatcher::current() {
  std::lock_guard lock(mutex_);
  const bool changed = changedSinceLastLook();
  // Without a usable network, a plugin installed later in plugin_dirs must
  // be noticed too; those directories are not watched.
  if (!loaded_ || changed || !choice_.network) {
    NetworkChoice fresh = chooseNetwork(networkDir_, defaultName_, pluginDirs_);
    const bool wasReady = loaded_ && choice_.network;
    if (fresh.network && (!wasReady || fresh.network->source != choice_.network->source ||
                          fresh.network->toJson() != choice_.network->toJson()))
      log::info("CNI network \"", fresh.network->name, "\" from ", fresh.network->source, " is the pod network");
    else if (!fresh.network && (wasReady || !loaded_ || fresh.problem != choice_.problem))
      log::warn("no pod network: ", fresh.problem);
    choice_ = std::move(fresh);
    loaded_ = true;
  }
  return choice_;
}

}  // namespace crix::netns::cni

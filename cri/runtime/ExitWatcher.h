// One thread for every container's exit: it watches crix-conmon's exit files
// with inotify and reports each container whose exit file appears, the moment
// it appears. Nobody has to ask for a status for an exit to be recorded, so
// events can be pushed and a stop's wait ends at once.
//
// It watches <runroot>/containers for new container directories and each
// container directory for its `exit` file (written by rename, so it appears
// whole). At start, and after the kernel's event queue overflowed, it looks
// at every container directory: an exit that happened while nobody watched is
// reported too. Reports may repeat; the receiver treats them as idempotent.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <thread>

#include "core/UniqueFd.h"

namespace crix::cri {

class ExitWatcher {
 public:
  using OnExit = std::function<void(const std::string& containerId)>;

  // `onExit` runs on the watcher's thread; it must not wait for long (it
  // takes one container's lock, records, and returns).
  ExitWatcher(std::string containersDir, OnExit onExit);
  ~ExitWatcher();
  ExitWatcher(const ExitWatcher&) = delete;
  ExitWatcher& operator=(const ExitWatcher&) = delete;

 private:
  void run();
  void watchContainer(const std::string& id);
  void scanAll();
  void drainEvents();
  void report(const std::string& id) noexcept;

  const std::string dir_;
  const OnExit onExit_;
  UniqueFd inotify_;
  UniqueFd stop_;
  int topWatch_ = -1;
  std::map<int, std::string> watches_;  // watch descriptor -> container ID
  std::thread thread_;
};

}  // namespace crix::cri

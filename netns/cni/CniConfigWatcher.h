// The pod network as network_dir says now: a conflist written later makes
// the node ready without a restart, one removed makes it not ready. The
// directory is watched with inotify and read again only after it changed
// (or while no usable network is found, since a missing directory or plugin
// cannot be watched for cheaply), so asking is cheap enough for every
// RunPodSandbox and Status call. No thread: the watch is drained by the
// caller of current().
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "core/UniqueFd.h"
#include "netns/cni/CniConfigDirectory.h"

namespace crix::netns::cni {

class CniConfigWatcher {
 public:
  CniConfigWatcher(std::string networkDir, std::string defaultName, std::vector<std::string> pluginDirs);

  NetworkChoice current();
  const std::vector<std::string>& pluginDirs() const { return pluginDirs_; }
  const std::string& networkDir() const { return networkDir_; }

 private:
  bool changedSinceLastLook();

  const std::string networkDir_;
  const std::string defaultName_;
  const std::vector<std::string> pluginDirs_;
  std::mutex mutex_;
  UniqueFd inotify_;
  int watch_ = -1;
  bool loaded_ = false;
  NetworkChoice choice_;
};

}  // namespace crix::netns::cni

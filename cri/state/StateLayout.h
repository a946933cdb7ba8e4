// Where the daemon keeps each pod's and container's files under runroot.
// Everything here is runtime state: it lives on tmpfs and ends with the boot,
// as the containers do. Container writable layers live under root (storage/).
//
//   <runroot>/pods/<id>/pod.json            PodRecord
//   <runroot>/pods/<id>/{hostname,resolv.conf,shm/}
//   <runroot>/containers/<id>/container.json ContainerRecord
//   <runroot>/containers/<id>/config.json   the OCI bundle (root is the overlay)
//   <runroot>/containers/<id>/{exit,attach,ctl,pidfile,conmon.pid,conmon.log}
//   <runroot>/ns/                            pinned namespaces (netns/)
#pragma once

#include <string>

namespace crix::cri {

class StateLayout {
 public:
  explicit StateLayout(std::string runroot) : runroot_(std::move(runroot)) {}

  const std::string& runroot() const { return runroot_; }
  std::string podsDir() const { return runroot_ + "/pods"; }
  std::string containersDir() const { return runroot_ + "/containers"; }
  std::string namespacesDir() const { return runroot_ + "/ns"; }

  std::string podDir(const std::string& id) const { return podsDir() + "/" + id; }
  std::string podRecord(const std::string& id) const { return podDir(id) + "/pod.json"; }

  std::string containerDir(const std::string& id) const { return containersDir() + "/" + id; }
  std::string containerRecord(const std::string& id) const { return containerDir(id) + "/container.json"; }
  std::string bundleConfig(const std::string& id) const { return containerDir(id) + "/config.json"; }
  std::string exitFile(const std::string& id) const { return containerDir(id) + "/exit"; }
  std::string attachSocket(const std::string& id) const { return containerDir(id) + "/attach"; }
  std::string ctlFifo(const std::string& id) const { return containerDir(id) + "/ctl"; }
  std::string pidFile(const std::string& id) const { return containerDir(id) + "/pidfile"; }
  std::string conmonPidFile(const std::string& id) const { return containerDir(id) + "/conmon.pid"; }
  std::string conmonLog(const std::string& id) const { return containerDir(id) + "/conmon.log"; }
  std::string execDir(const std::string& id) const { return containerDir(id) + "/exec"; }

 private:
  std::string runroot_;
};

}  // namespace crix::cri

// A pod's namespaces, kept alive without an infra container (CRI-O's
// drop_infra_ctr with pinns): each one is a bind mount of /proc/PID/ns/KIND on
// a file under the daemon's namespace directory, so it outlives the process
// that created it and the daemon itself (even kill -9). Containers of the pod
// join them by path (oci::PodContext::namespacePaths).
//
// Layout under nsDir (a shared mount point, see NsfsPin.h):
//   netns/<podId> ipcns/<podId> utsns/<podId> pidns/<podId>   the pins
//   pause/<podId>                                             pid of the pod's pause process
//
// A pid namespace ends with its last process, so a pod that shares its
// process namespace gets a pause process (`crix-conmon pause`) as PID 1 of
// it; the network, IPC and UTS namespaces need none.
#pragma once

#include <mutex>
#include <optional>
#include <string>

namespace crix::netns {

struct PodNamespaceRequest {
  std::string podId;
  // Set in the new UTS namespace; "" keeps the copy of the node's name a new
  // UTS namespace starts with. At most 64 bytes.
  std::string hostname;
  bool network = true;
  bool ipc = true;
  bool uts = true;
  // Only for pods with shareProcessNamespace (PID mode POD): starts a pause
  // process as the namespace's init.
  bool pid = false;
};

struct PinnedNamespaces {
  // Paths of the pinned namespace files, "" when not pinned.
  std::string network, ipc, uts, pid;
  // The pause process (host pid), 0 when there is none.
  int pausePid = 0;

  bool empty() const { return network.empty() && ipc.empty() && uts.empty() && pid.empty() && pausePid == 0; }
};

// Thread-safe for calls about different pods; the caller serializes the
// calls about one pod.
class NamespacePinner {
 public:
  // nsDir: e.g. <runroot>/ns, created when missing. pauseBinary: crix-conmon.
  NamespacePinner(std::string nsDir, std::string pauseBinary);

  // Creates and pins the requested namespaces; all or nothing (what was done
  // is undone before the error is thrown). The network namespace has `lo`
  // up and nothing else.
  // Errors: InvalidArgument (pod id not a file name, hostname too long),
  // AlreadyExists (something is pinned under this pod id: release it first),
  // Internal (a system call failed; the message names the pod and the step).
  PinnedNamespaces pin(const PodNamespaceRequest& request);

  // Stops the pause process (SIGTERM, SIGKILL after 2 s, waits until it is
  // gone), unmounts and removes every file of the pod. Idempotent: nothing
  // to release is fine. Throws Internal when something could not be undone
  // (after trying all the rest).
  void release(const std::string& podId);

  // What is pinned for the pod on disk (e.g. after a daemon restart);
  // nullopt when nothing is. A path is reported only when it is a mounted
  // namespace; pausePid only when that process still runs as the pod's pause.
  // A `pid` path with pausePid 0 is a dead pid namespace (its pause process
  // was killed): no process can enter it any more, the pod is broken.
  std::optional<PinnedNamespaces> find(const std::string& podId) const;

  const std::string& nsDir() const { return nsDir_; }

 private:
  std::string path(const char* subdir, const std::string& podId) const;
  void prepareDirectories();

  std::string nsDir_;
  std::string pauseBinary_;
  std::mutex prepareMutex_;
  bool prepared_ = false;
};

}  // namespace crix::netns

// The daemon's pods and containers: an in-memory index over the records on
// disk, with the name reservations CRI-O has (a second pod or container with
// the same name is refused with AlreadyExists naming the holder). Every
// change is written through atomically before it is visible.
//
// Records are handed out as copies. Callers that change one serialize on it
// through podLock()/containerLock(), change the copy, and save it back. Each
// pod and container has a lock of its own, so a slow call on one object never
// holds up another; callers hold one only for a read-change-write of the
// record, never across runc, CNI or a kill-and-wait.
//
// A slow step on an object (creating, starting, stopping, removing it) is
// an activity instead: claimed, visible to everyone (status shows it), and
// held with no mutex. Steps that must not overlap wait for each other's
// activity, not for a lock that readers also need.
#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cri/state/ContainerRecord.h"
#include "cri/state/PodRecord.h"
#include "cri/state/StateLayout.h"

namespace crix::cri {

// A held (or, from tryContainerLock, possibly not held) lock on one object.
// It keeps the object's mutex alive after the object is forgotten.
class ObjectLock {
 public:
  ObjectLock(std::shared_ptr<std::mutex> mutex, bool wait);
  bool owns_lock() const { return lock_.owns_lock(); }
  void unlock() { lock_.unlock(); }

 private:
  std::shared_ptr<std::mutex> mutex_;
  std::unique_lock<std::mutex> lock_;
};

// What a slow step is doing to an object. Creating, starting and removing
// are exclusive: a second one waits for the first to end. Stopping is
// shared: stops run beside each other (the shortest deadline wins) and
// beside a remove, which forces them; they wait only for a create or start
// to finish, so a stop signal never reaches a half-started container.
enum class Activity { Idle, Creating, Starting, Stopping, Removing };
const char* activityName(Activity activity);

class RuntimeState;

// A claimed activity, released (and its waiters woken) on destruction.
class ActivityClaim {
 public:
  ActivityClaim() = default;
  ActivityClaim(const ActivityClaim&) = delete;
  ActivityClaim& operator=(const ActivityClaim&) = delete;
  ActivityClaim(ActivityClaim&& other) noexcept { *this = std::move(other); }
  ActivityClaim& operator=(ActivityClaim&& other) noexcept;
  ~ActivityClaim() { release(); }
  void release() noexcept;

 private:
  friend class RuntimeState;
  RuntimeState* state_ = nullptr;
  bool pod_ = false;
  std::string id_;
  Activity what_ = Activity::Idle;
};

class RuntimeState {
 public:
  explicit RuntimeState(StateLayout layout);

  const StateLayout& layout() const { return layout_; }

  // What is on disk, complete or not, for recovery at start. Unreadable
  // records are logged and returned in `damaged` (their ids).
  std::vector<PodRecord> readPodRecords(std::vector<std::string>* damaged) const;
  std::vector<ContainerRecord> readContainerRecords(std::vector<std::string>* damaged) const;

  // Puts records read at start back into the index (and their names), as
  // they are on disk.
  void adoptPod(const PodRecord& record);
  void adoptContainer(const ContainerRecord& record, const PodRecord& pod);

  // Reserves the pod's name and writes its record (creating its directory).
  void addPod(const PodRecord& record);
  void savePod(const PodRecord& record);
  // Drops the record from memory and disk and frees the name. The caller
  // removes the rest of the pod's directory.
  void forgetPod(const std::string& id);
  // By full ID or unique prefix; incomplete pods only when asked.
  std::optional<PodRecord> pod(const std::string& idOrPrefix, bool includeIncomplete = false) const;
  std::vector<PodRecord> pods() const;

  void addContainer(const ContainerRecord& record, const PodRecord& pod);
  void saveContainer(const ContainerRecord& record);
  void forgetContainer(const std::string& id);
  std::optional<ContainerRecord> container(const std::string& idOrPrefix, bool includeIncomplete = false) const;
  // Complete containers, infra containers left out.
  std::vector<ContainerRecord> containers() const;
  std::vector<ContainerRecord> containersOfPod(const std::string& podId) const;

  // Serializes changes to one pod or one container. Never hold two of the
  // same kind at once; a pod lock may be held while taking container locks.
  // An ID that names no object (one forgotten since the caller found it)
  // gets a lock of its own that is not kept: the caller finds no record
  // under it, and nothing stays behind for IDs that are gone.
  ObjectLock podLock(const std::string& id);
  ObjectLock containerLock(const std::string& id);
  // Not owned when someone else holds it: readers then look without writing.
  ObjectLock tryContainerLock(const std::string& id);

  // Claims `what` on the object, first waiting (with no lock held) for the
  // activities it must not overlap. A pod's activities are all exclusive:
  // its network is set up or torn down by one caller at a time.
  ActivityClaim claimContainer(const std::string& id, Activity what);
  ActivityClaim claimPod(const std::string& id, Activity what);
  // Waits until no create, start or remove runs on the container.
  void awaitContainer(const std::string& id);
  // What runs on the object now; an exclusive activity shows over stops.
  Activity containerActivity(const std::string& id) const;
  Activity podActivity(const std::string& id) const;

 private:
  friend class ActivityClaim;
  struct Activities {
    Activity exclusive = Activity::Idle;
    int stopping = 0;
  };
  using ActivityMap = std::map<std::string, Activities>;
  ActivityClaim claim(ActivityMap& map, bool pod, const std::string& id, Activity what);
  void releaseClaim(bool pod, const std::string& id, Activity what) noexcept;
  static Activity shown(const ActivityMap& map, const std::string& id);
  // Only a container's stops run beside each other.
  static bool isShared(bool pod, Activity what) { return !pod && what == Activity::Stopping; }

  template <class Record>
  std::optional<Record> findByPrefix(const std::map<std::string, Record>& records, const std::string& key,
                                     bool includeIncomplete, const char* what) const;

  StateLayout layout_;
  mutable std::mutex mutex_;
  std::map<std::string, PodRecord> pods_;
  std::map<std::string, ContainerRecord> containers_;
  std::map<std::string, std::string> podNames_;        // name key -> id
  std::map<std::string, std::string> containerNames_;  // name key -> id
  std::map<std::string, std::string> containerNameOf_; // id -> name key
  using ObjectMutexes = std::map<std::string, std::shared_ptr<std::mutex>>;
  // The mutex of `id`, kept while `records` has the object.
  template <class Records>
  std::shared_ptr<std::mutex> objectMutex(ObjectMutexes& locks, const Records& records, const std::string& id);

  // id -> that object's lock; dropped when the object is forgotten.
  ObjectMutexes podLocks_;
  ObjectMutexes containerLocks_;

  // Under mutex_; an entry lives while something runs on its object.
  ActivityMap podActivities_;
  ActivityMap containerActivities_;
  std::condition_variable activityEnded_;
};

}  // namespace crix::cri

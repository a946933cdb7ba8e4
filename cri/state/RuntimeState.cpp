#include "cri/state/RuntimeState.h"

#include <filesystem>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"

namespace crix::cri {

namespace fs = std::filesystem;

namespace {

template <class Record, class Parse>
std::vector<Record> readRecords(const std::string& dir, const std::string& fileName, Parse parse,
                                 std::vector<std::string>* damaged) {
  std::vector<Record> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string id = entry.path().filename();
    const std::string path = entry.path() / fileName;
    try {
      out.push_back(parse(nlohmann::json::parse(readWholeFile(path))));
    } catch (const std::exception& e) {
      log::warn("unreadable record ", path, ": ", e.what());
      if (damaged) damaged->push_back(id);
    }
  }
  return out;
}

void removeFile(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) throw Error::fromErrno("remove " + path, errno);
}

}  // namespace

RuntimeState::RuntimeState(StateLayout layout) : layout_(std::move(layout)) {
  makeDirectories(layout_.podsDir(), 0700);
  makeDirectories(layout_.containersDir(), 0700);
}

std::vector<PodRecord> RuntimeState::readPodRecords(std::vector<std::string>* damaged) const {
  return readRecords<PodRecord>(layout_.podsDir(), "pod.json", podRecordFromJson, damaged);
}

std::vector<ContainerRecord> RuntimeState::readContainerRecords(std::vector<std::string>* damaged) const {
  return readRecords<ContainerRecord>(layout_.containersDir(), "container.json", containerRecordFromJson,
                                      damaged);
}

void RuntimeState::adoptPod(const PodRecord& record) {
  std::lock_guard lock(mutex_);
  podNames_[record.nameKey()] = record.id;
  pods_[record.id] = record;
}

void RuntimeState::adoptContainer(const ContainerRecord& record, const PodRecord& pod) {
  std::lock_guard lock(mutex_);
  const std::string key = record.nameKey(pod);
  containerNames_[key] = record.id;
  containerNameOf_[record.id] = key;
  containers_[record.id] = record;
}

void RuntimeState::addPod(const PodRecord& record) {
  const std::string key = record.nameKey();
  {
    std::lock_guard lock(mutex_);
    if (auto it = podNames_.find(key); it != podNames_.end())
      throw Error::alreadyExists("pod sandbox name \"" + key + "\" is already reserved for pod " + it->second);
    podNames_[key] = record.id;
    pods_[record.id] = record;
  }
  try {
    makeDirectories(layout_.podDir(record.id), 0711);
    writeFileAtomically(layout_.podRecord(record.id), toJson(record).dump(), 0600);
  } catch (...) {
    std::lock_guard lock(mutex_);
    podNames_.erase(key);
    pods_.erase(record.id);
    podLocks_.erase(record.id);
    throw;
  }
}

void RuntimeState::savePod(const PodRecord& record) {
  writeFileAtomically(layout_.podRecord(record.id), toJson(record).dump(), 0600);
  std::lock_guard lock(mutex_);
  pods_[record.id] = record;
}

void RuntimeState::forgetPod(const std::string& id) {
  removeFile(layout_.podRecord(id));
  std::lock_guard lock(mutex_);
  podLocks_.erase(id);
  auto it = pods_.find(id);
  if (it == pods_.end()) return;
  auto name = podNames_.find(it->second.nameKey());
  if (name != podNames_.end() && name->second == id) podNames_.erase(name);
  pods_.erase(it);
}

template <class Record>
std::optional<Record> RuntimeState::findByPrefix(const std::map<std::string, Record>& records,
                                                 const std::string& key, bool includeIncomplete,
                                                 const char* what) const {
  if (key.empty()) return std::nullopt;
  if (auto it = records.find(key); it != records.end()) {
    if (!it->second.complete && !includeIncomplete) return std::nullopt;
    return it->second;
  }
  const Record* found = nullptr;
  for (auto it = records.lower_bound(key); it != records.end() && it->first.starts_with(key); ++it) {
    if (!it->second.complete && !includeIncomplete) continue;
    if (found)
      throw Error::invalidArgument(std::string(what) + " ID prefix \"" + key +
                                   "\" is ambiguous: it matches " + found->id + " and " + it->first);
    found = &it->second;
  }
  if (!found) return std::nullopt;
  return *found;
}

std::optional<PodRecord> RuntimeState::pod(const std::string& idOrPrefix, bool includeIncomplete) const {
  std::lock_guard lock(mutex_);
  return findByPrefix(pods_, idOrPrefix, includeIncomplete, "pod sandbox");
}

std::vector<PodRecord> RuntimeState::pods() const {
  std::lock_guard lock(mutex_);
  std::vector<PodRecord> out;
  for (const auto& [id, record] : pods_)
    if (record.complete) out.push_back(record);
  return out;
}

void RuntimeState::addContainer(const ContainerRecord& record, const PodRecord& pod) {
  const std::string key = record.nameKey(pod);
  {
    std::lock_guard lock(mutex_);
    if (auto it = containerNames_.find(key); it != containerNames_.end())
      throw Error::alreadyExists("container name \"" + key + "\" is already reserved for container " +
                                 it->second);
    containerNames_[key] = record.id;
    containerNameOf_[record.id] = key;
    containers_[record.id] = record;
  }
  try {
    makeDirectories(layout_.containerDir(record.id), 0711);
    writeFileAtomically(layout_.containerRecord(record.id), toJson(record).dump(), 0600);
  } catch (...) {
    std::lock_guard lock(mutex_);
    containerNames_.erase(key);
    containerNameOf_.erase(record.id);
    containers_.erase(record.id);
    containerLocks_.erase(record.id);
    throw;
  }
}

void RuntimeState::saveContainer(const ContainerRecord& record) {
  writeFileAtomically(layout_.containerRecord(record.id), toJson(record).dump(), 0600);
  std::lock_guard lock(mutex_);
  containers_[record.id] = record;
}

void RuntimeState::forgetContainer(const std::string& id) {
  removeFile(layout_.containerRecord(id));
  std::lock_guard lock(mutex_);
  containers_.erase(id);
  containerLocks_.erase(id);
  if (auto it = containerNameOf_.find(id); it != containerNameOf_.end()) {
    auto name = containerNames_.find(it->second);
    if (name != containerNames_.end() && name->second == id) containerNames_.erase(name);
    containerNameOf_.erase(it);
  }
}

std::optional<ContainerRecord> RuntimeState::container(const std::string& idOrPrefix,
                                                       bool includeIncomplete) const {
  std::lock_guard lock(mutex_);
  return findByPrefix(containers_, idOrPrefix, includeIncomplete, "container");
}

std::vector<ContainerRecord> RuntimeState::containers() const {
  std::lock_guard lock(mutex_);
  std::vector<ContainerRecord> out;
  for (const auto& [id, record] : containers_)
    if (record.complete && !record.infra) out.push_back(record);
  return out;
}

std::vector<ContainerRecord> RuntimeState::containersOfPod(const std::string& podId) const {
  std::lock_guard lock(mutex_);
  std::vector<ContainerRecord> out;
  for (const auto& [id, record] : containers_)
    if (record.podId == podId) out.push_back(record);
  return out;
}

ObjectLock::ObjectLock(std::shared_ptr<std::mutex> mutex, bool wait)
    : mutex_(std::move(mutex)),
      lock_(wait ? std::unique_lock<std::mutex>(*mutex_) : std::unique_lock<std::mutex>(*mutex_, std::try_to_lock)) {}

template <class Records>
std::shared_ptr<std::mutex> RuntimeState::objectMutex(ObjectMutexes& locks, const Records& records,
                                                      const std::string& id) {
  std::lock_guard lock(mutex_);
  if (auto it = locks.find(id); it != locks.end()) return it->second;
  auto fresh = std::make_shared<std::mutex>();
  if (records.count(id)) locks.emplace(id, fresh);
  return fresh;
}

ObjectLock RuntimeState::podLock(const std::string& id) { return ObjectLock(objectMutex(podLocks_, pods_, id), true); }

ObjectLock RuntimeState::containerLock(const std::string& id) {
  return ObjectLock(objectMutex(containerLocks_, containers_, id), true);
}

ObjectLock RuntimeState::tryContainerLock(const std::string& id) {
  return ObjectLock(objectMutex(containerLocks_, containers_, id), false);
}

const char* activityName(Activity activity) {
  switch (activity) {
    case Activity::Idle: return "";
    case Activity::Creating: return "creating";
    case Activity::Starting: return "starting";
    case Activity::Stopping: return "stopping";
    case Activity::Removing: return "removing";
  }
  return "";
}

ActivityClaim& ActivityClaim::operator=(ActivityClaim&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::exchange(other.state_, nullptr);
    pod_ = other.pod_;
    id_ = std::move(other.id_);
    what_ = other.what_;
  }
  return *this;
}

void ActivityClaim::release() noexcept {
  if (auto* state = std::exchange(state_, nullptr)) state->releaseClaim(pod_, id_, what_);
}

ActivityClaim RuntimeState::claim(ActivityMap& map, bool pod, const std::string& id, Activity what) {
  const bool shared = isShared(pod, what);
  std::unique_lock lock(mutex_);
  activityEnded_.wait(lock, [&] {
    auto it = map.find(id);
    if (it == map.end()) return true;
    const Activity busy = it->second.exclusive;
    // A remove stops the container itself, beside any stop still waiting.
    if (shared) return busy != Activity::Creating && busy != Activity::Starting;
    return busy == Activity::Idle;
  });
  auto& entry = map[id];
  if (shared)
    ++entry.stopping;
  else
    entry.exclusive = what;
  ActivityClaim claim;
  claim.state_ = this;
  claim.pod_ = pod;
  claim.id_ = id;
  claim.what_ = what;
  return claim;
}

void RuntimeState::releaseClaim(bool pod, const std::string& id, Activity what) noexcept {
  {
    std::lock_guard lock(mutex_);
    auto& map = pod ? podActivities_ : containerActivities_;
    auto it = map.find(id);
    if (it == map.end()) return;
    if (isShared(pod, what))
      --it->second.stopping;
    else
      it->second.exclusive = Activity::Idle;
    if (it->second.exclusive == Activity::Idle && it->second.stopping == 0) map.erase(it);
  }
  activityEnded_.notify_all();
}

ActivityClaim RuntimeState::claimContainer(const std::string& id, Activity what) {
  return claim(containerActivities_, false, id, what);
}

ActivityClaim RuntimeState::claimPod(const std::string& id, Activity what) {
  return claim(podActivities_, true, id, what);
}

void RuntimeState::awaitContainer(const std::string& id) {
  std::unique_lock lock(mutex_);
  activityEnded_.wait(lock, [&] {
    auto it = containerActivities_.find(id);
    return it == containerActivities_.end() || it->second.exclusive == Activity::Idle;
  });
}

Activity RuntimeState::shown(const ActivityMap& map, const std::string& id) {
  auto it = map.find(id);
  if (it == map.end()) return Activity::Idle;
  if (it->second.exclusive != Activity::Idle) return it->second.exclusive;
  return it->second.stopping > 0 ? Activity::Stopping : Activity::Idle;
}

Activity RuntimeState::containerActivity(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return shown(containerActivities_, id);
}

Activity RuntimeState::podActivity(const std::string& id) const {
  std::lock_guard lock(mutex_);
  return shown(podActivities_, id);
}

}  // namespace crix::cri

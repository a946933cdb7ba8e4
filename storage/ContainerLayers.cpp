#include "storage/ContainerLayers.h"

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "storage/DirectoryUsage.h"
#include "storage/OverlayMount.h"
#include "storage/layer/TreeRemover.h"

namespace crix::storage {
namespace fs = std::filesystem;

namespace {

constexpr const char* kRecordName = "layers.json";
constexpr const char* kCreatingPrefix = ".tmp-";
constexpr const char* kRemovingPrefix = ".removing-";
// The kernel's OVL_MAX_STACK: overlay refuses deeper stacks with a bare EINVAL.
constexpr size_t kMaxLowerLayers = 500;

// IDs become directory names; anything that could climb, hide or collide
// with our own dot-prefixed scratch names is refused.
void checkContainerId(const std::string& id) {
  const bool plain = !id.empty() && id.size() <= 128 && id.front() != '.' &&
                     id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
                         std::string::npos;
  if (!plain)
    throw Error::invalidArgument("container ID \"" + id +
                                 "\" is not usable as a directory name (letters, digits, '_', '.', '-'; "
                                 "not starting with '.'; at most 128 characters)");
}

void makeDir(const std::string& path, mode_t mode) {
  if (::mkdir(path.c_str(), mode) != 0) throw Error::fromErrno("create directory " + path, errno);
  // mkdir's mode is filtered by the umask; the overlay root must be exact.
  if (::chmod(path.c_str(), mode) != 0) throw Error::fromErrno("chmod " + path, errno);
}

// Removes a directory tree on scope exit unless released: create()'s
// all-or-nothing promise.
class TreeGuard {
 public:
  explicit TreeGuard(std::string path) : path_(std::move(path)) {}
  ~TreeGuard() {
    if (path_.empty()) return;
    try {
      unmountOverlay(path_ + "/merged");
      layer::removeTree(path_);
    } catch (const Error& e) {
      log::error("cleaning up ", path_, " after a failed container layer creation: ", e.what());
    }
  }
  TreeGuard(const TreeGuard&) = delete;
  TreeGuard& operator=(const TreeGuard&) = delete;
  void retarget(std::string path) { path_ = std::move(path); }
  void release() { path_.clear(); }

 private:
  std::string path_;
};

nlohmann::json toJson(const ContainerLayersRecord& r) {
  return {{"container_id", r.containerId}, {"image_id", r.imageId}, {"layers", r.chainIds}};
}

ContainerLayersRecord recordFromJson(const nlohmann::json& j) {
  return {j.at("container_id"), j.at("image_id"), j.at("layers").get<std::vector<std::string>>()};
}

}  // namespace

ContainerLayers::ContainerLayers(std::string dir, const LayerStore& layers) : dir_(std::move(dir)), layers_(layers) {
  // Images carry setuid binaries; no host user may reach them through here.
  makeDirectories(dir_, 0700);
  recover();
}

void ContainerLayers::recover() {
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename();
    if (name.starts_with(kCreatingPrefix) || name.starts_with(kRemovingPrefix)) {
      log::info("container layers: removing leftover ", entry.path().string());
      removeTreeUnmounted(entry.path());
    }
  }
}

void ContainerLayers::removeTreeUnmounted(const std::string& path) {
  // removeTree would walk into a still-mounted merged/ and delete through the
  // overlay, which also reaches the container's upper layer: unmount first.
  unmountOverlay(path + "/merged");
  layer::removeTree(path);
}

std::string ContainerLayers::containerDir(const std::string& containerId) const {
  checkContainerId(containerId);
  return dir_ + "/" + containerId;
}

std::string ContainerLayers::mergedPath(const std::string& containerId) const {
  return containerDir(containerId) + "/merged";
}

bool ContainerLayers::isMounted(const std::string& containerId) const {
  return isMountPoint(mergedPath(containerId));
}

std::optional<ContainerLayersRecord> ContainerLayers::readRecord(const std::string& containerId) const {
  const std::string path = containerDir(containerId) + "/" + kRecordName;
  try {
    return recordFromJson(nlohmann::json::parse(readWholeFile(path)));
  } catch (const Error& e) {
    if (e.code() == StatusCode::NotFound) return std::nullopt;
    throw;
  } catch (const nlohmann::json::exception& e) {
    throw Error::dataLoss("container layer record " + path + " is corrupt: " + e.what());
  }
}

std::optional<ContainerLayersRecord> ContainerLayers::get(const std::string& containerId) const {
  std::lock_guard lock(mutex_);
  return readRecord(containerId);
}

std::string ContainerLayers::create(const std::string& containerId, const std::string& imageId,
                                    const std::vector<std::string>& chainIds) {
  const std::string finalDir = containerDir(containerId);
  if (chainIds.size() > kMaxLowerLayers)
    throw Error::invalidArgument("image " + imageId + " has " + std::to_string(chainIds.size()) +
                                 " layers; overlay stacks at most " + std::to_string(kMaxLowerLayers));
  std::lock_guard lock(mutex_);
  if (fs::exists(fs::symlink_status(finalDir)))
    throw Error::alreadyExists("container " + containerId + " already has a root filesystem in " + finalDir);
  for (const auto& chainId : chainIds)
    if (!layers_.has(chainId))
      throw Error::notFound("layer " + chainId + " of image " + imageId + " is not in the layer store");

  // Built under a scratch name, renamed into place once complete, so that a
  // directory with the container's name always has its record.
  std::string staging = dir_ + "/" + kCreatingPrefix + containerId + "-XXXXXX";
  if (!::mkdtemp(staging.data())) throw Error::fromErrno("create directory in " + dir_, errno);
  TreeGuard guard(staging);

  // The container's "/" takes the upper dir's mode and owner, so give it the
  // top layer's (images with a non-0755 or non-root root exist).
  struct stat root {};
  root.st_mode = 0755;
  if (!chainIds.empty() && ::stat(layers_.treePath(chainIds.back()).c_str(), &root) != 0)
    throw Error::fromErrno("stat " + layers_.treePath(chainIds.back()), errno);
  makeDir(staging + "/upper", root.st_mode & 07777);
  if (::chown((staging + "/upper").c_str(), root.st_uid, root.st_gid) != 0)
    throw Error::fromErrno("chown " + staging + "/upper", errno);
  makeDir(staging + "/work", 0700);
  makeDir(staging + "/merged", 0755);
  makeDir(staging + "/l", 0700);
  if (chainIds.empty()) makeDir(staging + "/empty", 0755);
  writeFileAtomically(staging + "/" + kRecordName, toJson({containerId, imageId, chainIds}).dump(), 0600);

  if (::rename(staging.c_str(), finalDir.c_str()) != 0)
    throw Error::fromErrno("rename " + staging + " to " + finalDir, errno);
  guard.retarget(finalDir);
  syncDirectory(dir_);

  std::string merged = mountLocked(containerId);
  guard.release();
  log::info("created root filesystem of container ", containerId, " (image ", imageId, ", ", chainIds.size(),
            " layers) at ", merged);
  return merged;
}

std::string ContainerLayers::mount(const std::string& containerId) {
  std::lock_guard lock(mutex_);
  return mountLocked(containerId);
}

std::string ContainerLayers::mountLocked(const std::string& containerId) {
  const std::string dir = containerDir(containerId);
  const auto record = readRecord(containerId);
  if (!record) throw Error::notFound("container " + containerId + " has no root filesystem");
  const std::string merged = dir + "/merged";
  if (isMountPoint(merged)) return merged;

  // The l/<n> links are rebuilt each time: they hold absolute layer paths,
  // which follow the layer store wherever it is now.
  OverlaySpec spec{dir, {}, "upper", "work", merged};
  layer::removeTree(dir + "/l");
  makeDir(dir + "/l", 0700);
  for (size_t i = 0; i < record->chainIds.size(); ++i) {
    const std::string& chainId = record->chainIds[i];
    if (!layers_.has(chainId))
      throw Error::failedPrecondition("layer " + chainId + " of container " + containerId +
                                      " is no longer in the layer store");
    const std::string link = "l/" + std::to_string(i);
    if (::symlink(layers_.treePath(chainId).c_str(), (dir + "/" + link).c_str()) != 0)
      throw Error::fromErrno("symlink " + dir + "/" + link, errno);
    spec.lowerDirs.insert(spec.lowerDirs.begin(), link);  // overlay lists the top layer first
  }
  if (spec.lowerDirs.empty()) spec.lowerDirs.push_back("empty");
  mountOverlay(spec);
  return merged;
}

void ContainerLayers::unmount(const std::string& containerId) {
  const std::string merged = mergedPath(containerId);
  std::lock_guard lock(mutex_);
  unmountOverlay(merged);
}

void ContainerLayers::remove(const std::string& containerId) {
  const std::string dir = containerDir(containerId);
  std::string doomed;
  {
    std::lock_guard lock(mutex_);
    if (!fs::exists(fs::symlink_status(dir))) {
      log::debug("remove root filesystem of container ", containerId, ": not present");
      return;
    }
    unmountOverlay(dir + "/merged");
    // Out of list() and layersInUse() in one step; the slow deletion of a
    // big writable layer then runs without holding up other containers. A
    // crash during it leaves a .removing- directory that the next start
    // finishes off.
    doomed = layer::moveAside(dir, dir_ + "/" + kRemovingPrefix + containerId + "-");
  }
  removeTreeUnmounted(doomed);
  log::info("removed root filesystem of container ", containerId);
}

std::vector<std::string> ContainerLayers::list() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename();
    if (name.front() != '.' && entry.is_directory() && fs::exists(entry.path() / kRecordName))
      ids.push_back(name);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::set<std::string> ContainerLayers::layersInUseLocked() const {
  std::set<std::string> used;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    const std::string name = entry.path().filename();
    if (name.front() == '.') continue;
    if (const auto record = readRecord(name)) used.insert(record->chainIds.begin(), record->chainIds.end());
  }
  return used;
}

std::set<std::string> ContainerLayers::layersInUse() const {
  std::lock_guard lock(mutex_);
  return layersInUseLocked();
}

void ContainerLayers::withLayersInUse(const std::function<void(const std::set<std::string>&)>& body) const {
  std::lock_guard lock(mutex_);
  body(layersInUseLocked());
}

ContainerLayers::Usage ContainerLayers::usage(const std::string& containerId) const {
  const std::string upper = containerDir(containerId) + "/upper";
  if (!fs::is_directory(fs::symlink_status(upper)))
    throw Error::notFound("container " + containerId + " has no root filesystem");
  const DirectoryUsage measured = measureDirectory(upper);
  return {measured.usedBytes, measured.inodesUsed};
}

ContainerLayers::Usage ContainerLayers::totalUsage() const {
  Usage total;
  for (const auto& id : list()) {
    for (const char* part : {"/upper", "/work"}) {
      const DirectoryUsage measured = measureDirectory(dir_ + "/" + id + part);
      total.bytes += measured.usedBytes;
      total.inodes += measured.inodesUsed;
    }
  }
  return total;
}

}  // namespace crix::storage

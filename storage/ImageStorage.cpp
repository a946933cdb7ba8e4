#include "storage/ImageStorage.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "storage/ImageArchive.h"
#include "storage/layer/TreeRemover.h"

namespace crix::storage {
namespace fs = std::filesystem;

// Marks a pull or load in progress for its whole duration, and runs the
// layer collection it held off, if any, when it ends.
class ImageStorage::StoringScope {
 public:
  explicit StoringScope(ImageStorage& storage) : storage_(storage) { storage_.storing_.lock_shared(); }
  ~StoringScope() {
    storage_.storing_.unlock_shared();
    if (!storage_.collectionDeferred_.exchange(false)) return;
    try {
      storage_.collectUnusedLayers();
    } catch (const std::exception& e) {
      // A destructor cannot pass it on (a throw here would end the daemon);
      // the next collection tries again.
      log::error("deferred collection of unused layers failed: ", e.what());
    }
  }
  StoringScope(const StoringScope&) = delete;
  StoringScope& operator=(const StoringScope&) = delete;

 private:
  ImageStorage& storage_;
};

ImageStorage::ImageStorage(ImageStorageOptions options)
    : storageDir_(options.root + "/storage"),
      scratchDir_(storageDir_ + "/tmp"),
      layers_(storageDir_ + "/layers"),
      images_(storageDir_ + "/images"),
      containers_(storageDir_ + "/containers", layers_),
      client_(std::move(options.client)),
      puller_(layers_, images_, client_, options.maxParallelDownloads) {
  // Layers left behind by a crash between their unpack and their image.
  collectUnusedLayers();
  if (fs::exists(scratchDir_)) layer::removeTree(scratchDir_);
  makeDirectories(scratchDir_);
}

std::vector<ImageRecord> ImageStorage::load(const std::string& archivePath, const std::string& nameOverride) {
  if (archivePath.empty() || archivePath.front() != '/')
    throw Error::invalidArgument("image archive path must be absolute: \"" + archivePath + "\"");
  if (!fs::is_regular_file(archivePath)) throw Error::notFound("image archive " + archivePath + " does not exist");
  StoringScope storing(*this);
  ImageArchive archive(archivePath, scratchDir_);
  std::vector<ImageRecord> loaded;
  for (auto& image : archive.images(nameOverride)) loaded.push_back(puller_.store(*image.source, image.names));
  return loaded;
}

ImageRecord ImageStorage::pull(const PullRequest& request, const registry::RegistriesConf& registries) {
  StoringScope storing(*this);
  return puller_.pull(request, registries);
}

std::vector<std::string> ImageStorage::candidateNames(const std::string& name,
                                                      const registry::RegistriesConf& registries) const {
  std::optional<registry::ImageReference> ref;
  try {
    ref = registry::ImageReference::parse(name);
  } catch (const Error&) {
    return {};  // not a reference; only an ID can match
  }
  std::vector<registry::ImageReference> candidates{*ref};
  if (ref->isShortName()) {
    try {
      candidates = registries.resolveShortName(*ref);
    } catch (const Error&) {
      // Enforcing mode refuses ambiguous short names for pulls; a lookup of
      // what is already stored still tries the docker.io normalization.
    }
  }
  std::vector<std::string> names;
  for (const auto& c : candidates)
    names.push_back(c.digest() ? c.name() + "@" + c.digest()->str() : c.name() + ":" + c.tag());
  return names;
}

std::optional<ImageRecord> ImageStorage::lookup(const std::string& name,
                                                const registry::RegistriesConf& registries) const {
  if (name.empty()) throw Error::invalidArgument("image name is empty");
  if (auto direct = images_.find(name)) return direct;
  for (const auto& candidate : candidateNames(name, registries))
    if (auto found = images_.find(candidate)) return found;
  return std::nullopt;
}

void ImageStorage::remove(const std::string& name, const registry::RegistriesConf& registries) {
  std::lock_guard lock(removeMutex_);
  const auto image = lookup(name, registries);
  if (!image) {
    log::debug("remove image ", name, ": not present");
    return;
  }
  // A name that is one of several tags takes only that tag away, as with
  // CRI-O: the image stays for its other names.
  if (image->repoTags.size() > 1) {
    for (const auto& candidate : candidateNames(name, registries)) {
      if (std::find(image->repoTags.begin(), image->repoTags.end(), candidate) != image->repoTags.end()) {
        images_.untag(image->id, candidate);
        log::info("untagged ", candidate, " from image ", image->id);
        return;
      }
    }
  }
  images_.remove(image->id);
  log::info("removed image ", image->id);
  collectUnusedLayers();
}

void ImageStorage::collectUnusedLayers() {
  std::unique_lock storing(storing_, std::try_to_lock);
  if (!storing.owns_lock()) {
    collectionDeferred_ = true;
    log::debug("collection of unused layers deferred until the pulls in progress end");
    return;
  }
  // Under the containers' lock: no container can start using a layer
  // between the in-use check and taking the layer out of the store. The
  // trees are deleted after it, so CreateContainer never waits for that.
  std::vector<std::string> doomed;
  containers_.withLayersInUse([&](const std::set<std::string>& usedByContainers) {
    std::set<std::string> used = usedByContainers;
    for (const auto& image : images_.list()) used.insert(image.layers.begin(), image.layers.end());
    for (const auto& layer : layers_.list()) {
      if (used.count(layer.chainId)) continue;
      log::debug("removing unused layer ", layer.chainId);
      if (auto tree = layers_.detach(layer.chainId)) doomed.push_back(std::move(*tree));
    }
  });
  for (const auto& tree : doomed) {
    try {
      layer::removeTree(tree);
    } catch (const Error& e) {
      // Already out of the store; the next start deletes what is left.
      log::error("deleting the tree of an unused layer: ", e.what(), "; the next start retries");
    }
  }
}

DirectoryUsage ImageStorage::imageUsage() const {
  DirectoryUsage total{storageDir_};
  for (const auto& part : {layers_.dir(), storageDir_ + "/images"}) {
    const DirectoryUsage measured = measureDirectory(part);
    total.usedBytes += measured.usedBytes;
    total.inodesUsed += measured.inodesUsed;
  }
  return total;
}

DirectoryUsage ImageStorage::containerUsage() const {
  const ContainerLayers::Usage usage = containers_.totalUsage();
  return {containers_.dir(), usage.bytes, usage.inodes};
}

}  // namespace crix::storage

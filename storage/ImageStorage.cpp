#include "storage/ImageStorage.h"

#include <algorithm>
#include <filesystem>
#include <set>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/ImageArchive.h"
#include "storage/layer/TreeRemover.h"

namespace crix::storage {
namespace fs = std::filesystem;

ImageStorage::ImageStorage(ImageStorageOptions options)
    : storageDir_(options.root + "/storage"),
      scratchDir_(storageDir_ + "/tmp"),
      layers_(storageDir_ + "/layers"),
      images_(storageDir_ + "/images"),
      client_(std::move(options.client)),
      puller_(layers_, images_, client_, options.maxParallelDownloads) {
  // Layers left behind by a crash between their unpack and their image.
  removeUnusedLayers();
  if (fs::exists(scratchDir_)) layer::removeTree(scratchDir_);
  fs::create_directories(scratchDir_);
}

std::vector<ImageRecord> ImageStorage::load(const std::string& archivePath, const std::string& nameOverride) {
  if (archivePath.empty() || archivePath.front() != '/')
    throw Error::invalidArgument("image archive path must be absolute: \"" + archivePath + "\"");
  if (!fs::is_regular_file(archivePath)) throw Error::notFound("image archive " + archivePath + " does not exist");
  ImageArchive archive(archivePath, scratchDir_);
  std::vector<ImageRecord> loaded;
  for (auto& image : archive.images(nameOverride)) loaded.push_back(puller_.store(*image.source, image.names));
  return loaded;
}

ImageRecord ImageStorage::pull(const PullRequest& request, const registry::RegistriesConf& registries) {
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
  removeUnusedLayers();
}

void ImageStorage::removeUnusedLayers() {
  std::set<std::string> used;
  for (const auto& image : images_.list()) used.insert(image.layers.begin(), image.layers.end());
  for (const auto& layer : layers_.list()) {
    if (used.count(layer.chainId)) continue;
    log::debug("removing unused layer ", layer.chainId);
    layers_.remove(layer.chainId);
  }
}

}  // namespace crix::storage

// What ContainerLifecycle asks of image storage: the image a request names,
// the pause image pulled, a container's root filesystem over the image's
// layers and its removal. An interface for the same reason as OciBackend:
// unit tests of the lifecycle with a fake. StoredContainerImages is the real
// one, over storage::ImageStorage.
#pragma once

#include <optional>
#include <string>

#include "storage/ImageStorage.h"

namespace crix::cri {

class ContainerImages {
 public:
  virtual ~ContainerImages() = default;

  // As storage::ImageStorage::lookup: an ID, ID prefix or reference.
  virtual std::optional<storage::ImageRecord> lookup(const std::string& name,
                                                     const registry::RegistriesConf& registries) const = 0;
  virtual void pull(const storage::PullRequest& request, const registry::RegistriesConf& registries) = 0;
  // The image's config blob (OCI image config JSON).
  virtual std::string configJson(const std::string& imageId) const = 0;
  // The mounted root filesystem of a new container over `image`'s layers.
  virtual std::string createRootfs(const std::string& containerId, const storage::ImageRecord& image) = 0;
  // Unmounts and deletes it; nothing there is not an error. A container
  // that outlived its image frees that image's layers here.
  virtual void removeRootfs(const std::string& containerId, const std::string& imageId) = 0;
};

class StoredContainerImages final : public ContainerImages {
 public:
  explicit StoredContainerImages(storage::ImageStorage& storage) : storage_(storage) {}

  std::optional<storage::ImageRecord> lookup(const std::string& name,
                                             const registry::RegistriesConf& registries) const override {
    return storage_.lookup(name, registries);
  }
  void pull(const storage::PullRequest& request, const registry::RegistriesConf& registries) override {
    storage_.pull(request, registries);
  }
  std::string configJson(const std::string& imageId) const override { return storage_.configJson(imageId); }
  std::string createRootfs(const std::string& containerId, const storage::ImageRecord& image) override {
    return storage_.containers().create(containerId, image.id, image.layers);
  }
  void removeRootfs(const std::string& containerId, const std::string& imageId) override {
    storage_.containers().remove(containerId);
    // While its image is stored, the image keeps every layer this container
    // used; only a container that outlived its image frees layers.
    if (imageId.empty() || !storage_.hasImage(imageId)) storage_.collectUnusedLayers();
  }

 private:
  storage::ImageStorage& storage_;
};

}  // namespace crix::cri

// The image side of crix as one object: the layer and image stores under
// <root>/storage, pulling, name lookup the way users write names, removal
// that frees the layers no other image needs, and disk usage.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "storage/ImagePuller.h"
#include "storage/ImageStore.h"
#include "storage/LayerStore.h"
#include "storage/registry/RegistriesConf.h"
#include "storage/registry/RegistryClient.h"

namespace crix::storage {

struct ImageStorageOptions {
  std::string root;                  // crio.root; the stores live in <root>/storage
  unsigned maxParallelDownloads = 3;
  registry::RegistryClientOptions client;
};

class ImageStorage {
 public:
  explicit ImageStorage(ImageStorageOptions options);

  ImageRecord pull(const PullRequest& request, const registry::RegistriesConf& registries);
  // Imports every image of an OCI layout or docker save archive on the node.
  std::vector<ImageRecord> load(const std::string& archivePath, const std::string& nameOverride);

  // The image a user means by `name`: an ID or ID prefix, or a reference
  // normalized like Kubernetes does ("busybox" is docker.io/library/busybox:latest),
  // a short name also tried on every unqualified-search registry.
  std::optional<ImageRecord> lookup(const std::string& name, const registry::RegistriesConf& registries) const;
  std::vector<ImageRecord> list() const { return images_.list(); }
  std::string configJson(const std::string& id) const { return images_.configJson(id); }

  // Removes what `name` names. A tag of an image that has other tags is only
  // untagged. Layers no remaining image uses are deleted. Absent: no error.
  void remove(const std::string& name, const registry::RegistriesConf& registries);

  const std::string& storageDir() const { return storageDir_; }

 private:
  // The stored names `name` may stand for, most likely first.
  std::vector<std::string> candidateNames(const std::string& name, const registry::RegistriesConf& registries) const;
  void removeUnusedLayers();

  std::string storageDir_;
  std::string scratchDir_;  // archives being imported; emptied at start
  LayerStore layers_;
  ImageStore images_;
  registry::RegistryClient client_;
  ImagePuller puller_;
  std::mutex removeMutex_;
};

}  // namespace crix::storage

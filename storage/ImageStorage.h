// The image side of crix as one object: the layer and image stores under
// <root>/storage, pulling, name lookup the way users write names, removal
// that frees the layers no image and no container needs, disk usage, and the
// containers' root filesystems over those layers (ContainerLayers).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "storage/ContainerLayers.h"
#include "storage/DirectoryUsage.h"
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
  bool hasImage(const std::string& id) const { return images_.byId(id).has_value(); }
  std::string configJson(const std::string& id) const { return images_.configJson(id); }

  // Removes what `name` names. A tag of an image that has other tags is only
  // untagged. Layers no remaining image and no container uses are deleted;
  // an image a container still runs on is removed all the same (the kubelet
  // decides), its layers stay until that container's are removed too.
  // Absent: no error.
  void remove(const std::string& name, const registry::RegistriesConf& registries);

  // Deletes the layers no image and no container uses: call it after
  // containers().remove() so a removed image's layers are freed. While a
  // pull or load is running (its layers are committed before its image
  // record, so they look unused) the collection is deferred to the end of
  // the last one instead of waiting for it.
  void collectUnusedLayers();

  // Containers' root filesystems (<root>/storage/containers), over our layers.
  ContainerLayers& containers() { return containers_; }
  const ContainerLayers& containers() const { return containers_; }

  const std::string& storageDir() const { return storageDir_; }
  // Disk used by images (layers and image records), for ImageFsInfo's image
  // filesystem. Unlike measureDirectory(storageDir()) it never walks into a
  // container's mounted root.
  DirectoryUsage imageUsage() const;
  // Disk used by containers' writable layers, for ImageFsInfo's container
  // filesystem; `path` is the containers directory.
  DirectoryUsage containerUsage() const;

 private:
  class StoringScope;

  // The stored names `name` may stand for, most likely first.
  std::vector<std::string> candidateNames(const std::string& name, const registry::RegistriesConf& registries) const;

  std::string storageDir_;
  std::string scratchDir_;  // archives being imported; emptied at start
  LayerStore layers_;
  ImageStore images_;
  ContainerLayers containers_;  // after layers_, which it refers to
  registry::RegistryClient client_;
  ImagePuller puller_;
  std::mutex removeMutex_;
  // Pulls and loads hold it shared; a layer collection exclusively.
  std::shared_mutex storing_;
  std::atomic<bool> collectionDeferred_{false};
};

}  // namespace crix::storage

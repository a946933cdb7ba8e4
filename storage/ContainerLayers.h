// Each container's writable layer: an overlay of its image's unpacked layers
// (LayerStore) under a private upper directory.
//
//   <dir>/<container id>/layers.json  image ID and lower chain IDs (base first);
//                                     the container exists once this is in place
//   <dir>/<container id>/upper/       the writable layer
//   <dir>/<container id>/work/        overlay's scratch space
//   <dir>/<container id>/merged/      the mounted root filesystem
//   <dir>/<container id>/l/<n>        symlink to lower layer n (0 = base), so the
//                                     mount options stay short (OverlayMount.h)
//   <dir>/<container id>/empty/       the only lower dir of an image without layers
//   <dir>/.tmp-* .removing-*          creations and removals a crash cut short
//
// Mounts outlive this object and the daemon (containers keep running across
// a restart); after a reboot mount() puts them back from layers.json.
// Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "storage/LayerStore.h"

namespace crix::storage {

struct ContainerLayersRecord {
  std::string containerId;
  std::string imageId;
  std::vector<std::string> chainIds;  // base first
};

class ContainerLayers {
 public:
  // Creates `dir` if needed and removes what a crash left half created or
  // half removed. `layers` must outlive this object.
  ContainerLayers(std::string dir, const LayerStore& layers);

  const std::string& dir() const { return dir_; }

  // Creates the container's directory and mounts its overlay; returns the
  // merged path (the container's root). All or nothing: on failure no
  // directory and no mount are left. AlreadyExists if the ID exists,
  // NotFound if a layer is not in the store, InvalidArgument for an ID that
  // is not a plain name ([A-Za-z0-9_.-], not starting with '.', ≤ 128) or
  // for more than 500 layers (overlay's maximum stack).
  std::string create(const std::string& containerId, const std::string& imageId,
                     const std::vector<std::string>& chainIds);

  // Mounts the overlay unless it already is (after a reboot or unmount());
  // returns the merged path. NotFound for an unknown container, or
  // FailedPrecondition when one of its layers has gone from the store.
  std::string mount(const std::string& containerId);

  // Unmounts; lazily (logged) if the mount is busy. Unknown or unmounted: no-op.
  void unmount(const std::string& containerId);

  // Unmounts and deletes the container's directory. Unknown: no-op.
  void remove(const std::string& containerId);

  std::vector<std::string> list() const;
  std::optional<ContainerLayersRecord> get(const std::string& containerId) const;
  // Every chain ID some container's overlay stacks; LayerStore must keep them.
  std::set<std::string> layersInUse() const;
  // Runs `body` with layersInUse() while no container can be created, so a
  // layer garbage collection cannot delete a layer a new container is
  // about to mount (create() fails with NotFound instead).
  void withLayersInUse(const std::function<void(const std::set<std::string>& inUse)>& body) const;

  struct Usage {
    uint64_t bytes = 0;
    uint64_t inodes = 0;
  };
  // Disk taken by the container's writable layer (upper/), for container
  // stats. NotFound for an unknown container.
  Usage usage(const std::string& containerId) const;
  // The same summed over every container (upper/ and work/), for ImageFsInfo's
  // container filesystem; never walks into a mounted merged/.
  Usage totalUsage() const;

  // Where the container's root is (or will be) mounted; no existence check.
  std::string mergedPath(const std::string& containerId) const;
  bool isMounted(const std::string& containerId) const;

 private:
  std::string containerDir(const std::string& containerId) const;
  std::optional<ContainerLayersRecord> readRecord(const std::string& containerId) const;
  std::string mountLocked(const std::string& containerId);
  void removeTreeUnmounted(const std::string& path);
  std::set<std::string> layersInUseLocked() const;
  void recover();

  std::string dir_;
  const LayerStore& layers_;
  mutable std::mutex mutex_;
};

}  // namespace crix::storage

// Pulls one image into the stores: resolves the name through registries.conf
// (short names, mirrors, blocked registries), picks this machine's platform
// from an index, then downloads the layers in parallel, each streamed from
// the socket through digest checks and decompression straight into its
// unpacked directory. Layers already stored are not fetched; a layer being
// fetched for another pull at the same moment is waited for, not fetched
// twice.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

#include "storage/ImageSource.h"
#include "storage/ImageStore.h"
#include "storage/LayerStore.h"
#include "storage/SingleFlight.h"
#include "storage/registry/ManifestParser.h"
#include "storage/registry/AuthConfig.h"
#include "storage/registry/RegistriesConf.h"
#include "storage/registry/RegistryClient.h"

namespace crix::storage {

struct PullProgress {
  uint32_t layersTotal = 0;
  uint32_t layersDone = 0;
  uint64_t bytesTotal = 0;  // compressed bytes of the layers still to fetch
  uint64_t bytesDone = 0;
};
using PullProgressFn = std::function<void(const PullProgress&)>;

struct PullRequest {
  std::string image;                 // as the user wrote it
  registry::AuthConfig auth;
  bool pinned = false;
  PullProgressFn progress;           // may be empty; called from pull threads
};

// The names an image is stored under.
struct ImageNames {
  std::vector<std::string> tags;  // normalized "registry/repo:tag"
  std::string repository;         // "registry/repo" for repo digests; may be empty
};

class ImagePuller {
 public:
  ImagePuller(LayerStore& layers, ImageStore& images, registry::RegistryClient& client,
              unsigned maxParallelDownloads);

  // Returns the stored image. Throws crix::Error: InvalidArgument for a bad
  // name, NotFound when no source has it, PermissionDenied for a blocked
  // registry, Unauthenticated when credentials are missing or wrong,
  // DataLoss for content that does not match its digest.
  ImageRecord pull(const PullRequest& request, const registry::RegistriesConf& registries);

  // Stores the image `source` names (an index resolves to this machine's
  // platform) under `names`. What pull() does for each registry source; also
  // how archives are imported.
  ImageRecord store(ImageSource& source, const ImageNames& names, bool pinned = false,
                    const PullProgressFn& onProgress = {});

 private:
  void fetchLayer(ImageSource& source, const registry::ImageLayer& layer, const std::string& diffId,
                  const std::string& chainId, const std::string& parent, const std::function<void(uint64_t)>& onBytes);

  LayerStore& layers_;
  ImageStore& images_;
  registry::RegistryClient& client_;
  unsigned maxParallel_;
  SingleFlight<std::string, bool> layerFlights_;
};

}  // namespace crix::storage

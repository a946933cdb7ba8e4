// crix's CRI ImageService over ImageStorage. registries.conf comes from
// LiveConfig, which parses it again when it changes, so edits to it (and a
// SIGHUP-reloaded path) apply at once.
#pragma once

#include "cri/LiveConfig.h"
#include "cri/SlowCallLimit.h"
#include "cri/runtime/StatsCache.h"
#include "cri/api/Cri.h"
#include "storage/ImageStorage.h"

namespace crix::cri {

class ImageServiceImpl final : public runtime::v1::ImageService::Service {
 public:
  // ImageFsInfo answers from `stats`, which measures in the background.
  ImageServiceImpl(const LiveConfig& config, storage::ImageStorage& storage, const StatsCache& stats,
                   SlowCallLimit& slowCalls)
      : config_(config), storage_(storage), stats_(stats), slowCalls_(slowCalls) {}

  grpc::Status ListImages(grpc::ServerContext*, const runtime::v1::ListImagesRequest*,
                          runtime::v1::ListImagesResponse*) override;
  grpc::Status ImageStatus(grpc::ServerContext*, const runtime::v1::ImageStatusRequest*,
                           runtime::v1::ImageStatusResponse*) override;
  grpc::Status PullImage(grpc::ServerContext*, const runtime::v1::PullImageRequest*,
                         runtime::v1::PullImageResponse*) override;
  grpc::Status RemoveImage(grpc::ServerContext*, const runtime::v1::RemoveImageRequest*,
                           runtime::v1::RemoveImageResponse*) override;
  grpc::Status ImageFsInfo(grpc::ServerContext*, const runtime::v1::ImageFsInfoRequest*,
                           runtime::v1::ImageFsInfoResponse*) override;

 private:
  void fillImage(const storage::ImageRecord& record, const config::Config& cfg, runtime::v1::Image* out) const;

  const LiveConfig& config_;
  storage::ImageStorage& storage_;
  const StatsCache& stats_;
  SlowCallLimit& slowCalls_;
};

}  // namespace crix::cri

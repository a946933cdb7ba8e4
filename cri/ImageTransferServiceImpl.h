// crix.v1.ImageTransfer: pulls with progress and archive imports, for
// crixctl. Shares ImageStorage and configuration with the CRI ImageService.
#pragma once

#include "cri/LiveConfig.h"
#include "cri/SlowCallLimit.h"
#include "cri/api/Cri.h"
#include "storage/ImageStorage.h"

namespace crix::cri {

class ImageTransferServiceImpl final : public crix::v1::ImageTransfer::Service {
 public:
  ImageTransferServiceImpl(const LiveConfig& config, storage::ImageStorage& storage, SlowCallLimit& slowCalls)
      : config_(config), storage_(storage), slowCalls_(slowCalls) {}

  grpc::Status PullImage(grpc::ServerContext* context, const runtime::v1::PullImageRequest* request,
                         grpc::ServerWriter<crix::v1::PullImageProgress>* writer) override;
  grpc::Status LoadImage(grpc::ServerContext* context, const crix::v1::LoadImageRequest* request,
                         crix::v1::LoadImageResponse* response) override;

 private:
  const LiveConfig& config_;
  storage::ImageStorage& storage_;
  SlowCallLimit& slowCalls_;
};

}  // namespace crix::cri

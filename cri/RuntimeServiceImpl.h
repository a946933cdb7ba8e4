// crix's CRI RuntimeService. RPCs not overridden here fall through to the
// generated base class, which answers UNIMPLEMENTED (named by
// RpcLogInterceptor).
#pragma once

#include "cri/api/Cri.h"
#include "cri/LiveConfig.h"

namespace crix::cri {

class RuntimeServiceImpl final : public runtime::v1::RuntimeService::Service {
 public:
  explicit RuntimeServiceImpl(const LiveConfig& config) : config_(config) {}

  grpc::Status Version(grpc::ServerContext*, const runtime::v1::VersionRequest*,
                       runtime::v1::VersionResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const runtime::v1::StatusRequest*,
                      runtime::v1::StatusResponse*) override;
  grpc::Status RuntimeConfig(grpc::ServerContext*, const runtime::v1::RuntimeConfigRequest*,
                             runtime::v1::RuntimeConfigResponse*) override;

 private:
  const LiveConfig& config_;
};

}  // namespace crix::cri

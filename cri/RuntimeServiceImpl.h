// crix's CRI RuntimeService: the gRPC face of the pod and container
// lifecycles in cri/runtime/. RPCs not overridden here fall through to the
// generated base class, which answers UNIMPLEMENTED (named by
// RpcLogInterceptor).
#pragma once

#include "cri/LiveConfig.h"
#include "cri/SlowCallLimit.h"
#include "cri/api/Cri.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/runtime/PodLifecycle.h"
#include "cri/runtime/StatsCollector.h"
#include "cri/state/RuntimeState.h"
#include "cri/streaming/StreamServer.h"

namespace crix::cri {

struct RuntimeParts {
  RuntimeState& state;
  PodLifecycle& pods;
  ContainerLifecycle& containers;
  StatsCollector& stats;
  netns::cni::PodNetworking& network;
  streaming::StreamServer& streams;
  SlowCallLimit& slowCalls;
};

class RuntimeServiceImpl final : public runtime::v1::RuntimeService::Service {
 public:
  RuntimeServiceImpl(const LiveConfig& config, RuntimeParts parts) : config_(config), parts_(parts) {}

  grpc::Status Version(grpc::ServerContext*, const runtime::v1::VersionRequest*,
                       runtime::v1::VersionResponse*) override;
  grpc::Status Status(grpc::ServerContext*, const runtime::v1::StatusRequest*,
                      runtime::v1::StatusResponse*) override;
  grpc::Status RuntimeConfig(grpc::ServerContext*, const runtime::v1::RuntimeConfigRequest*,
                             runtime::v1::RuntimeConfigResponse*) override;
  grpc::Status UpdateRuntimeConfig(grpc::ServerContext*, const runtime::v1::UpdateRuntimeConfigRequest*,
                                   runtime::v1::UpdateRuntimeConfigResponse*) override;

  grpc::Status RunPodSandbox(grpc::ServerContext*, const runtime::v1::RunPodSandboxRequest*,
                             runtime::v1::RunPodSandboxResponse*) override;
  grpc::Status StopPodSandbox(grpc::ServerContext*, const runtime::v1::StopPodSandboxRequest*,
                              runtime::v1::StopPodSandboxResponse*) override;
  grpc::Status RemovePodSandbox(grpc::ServerContext*, const runtime::v1::RemovePodSandboxRequest*,
                                runtime::v1::RemovePodSandboxResponse*) override;
  grpc::Status PodSandboxStatus(grpc::ServerContext*, const runtime::v1::PodSandboxStatusRequest*,
                                runtime::v1::PodSandboxStatusResponse*) override;
  grpc::Status ListPodSandbox(grpc::ServerContext*, const runtime::v1::ListPodSandboxRequest*,
                              runtime::v1::ListPodSandboxResponse*) override;

  grpc::Status CreateContainer(grpc::ServerContext*, const runtime::v1::CreateContainerRequest*,
                               runtime::v1::CreateContainerResponse*) override;
  grpc::Status StartContainer(grpc::ServerContext*, const runtime::v1::StartContainerRequest*,
                              runtime::v1::StartContainerResponse*) override;
  grpc::Status StopContainer(grpc::ServerContext*, const runtime::v1::StopContainerRequest*,
                             runtime::v1::StopContainerResponse*) override;
  grpc::Status RemoveContainer(grpc::ServerContext*, const runtime::v1::RemoveContainerRequest*,
                               runtime::v1::RemoveContainerResponse*) override;
  grpc::Status ListContainers(grpc::ServerContext*, const runtime::v1::ListContainersRequest*,
                              runtime::v1::ListContainersResponse*) override;
  grpc::Status ContainerStatus(grpc::ServerContext*, const runtime::v1::ContainerStatusRequest*,
                               runtime::v1::ContainerStatusResponse*) override;
  grpc::Status UpdateContainerResources(grpc::ServerContext*, const runtime::v1::UpdateContainerResourcesRequest*,
                                        runtime::v1::UpdateContainerResourcesResponse*) override;
  grpc::Status ReopenContainerLog(grpc::ServerContext*, const runtime::v1::ReopenContainerLogRequest*,
                                  runtime::v1::ReopenContainerLogResponse*) override;
  grpc::Status ExecSync(grpc::ServerContext*, const runtime::v1::ExecSyncRequest*,
                        runtime::v1::ExecSyncResponse*) override;
  grpc::Status Exec(grpc::ServerContext*, const runtime::v1::ExecRequest*, runtime::v1::ExecResponse*) override;
  grpc::Status Attach(grpc::ServerContext*, const runtime::v1::AttachRequest*,
                      runtime::v1::AttachResponse*) override;
  grpc::Status PortForward(grpc::ServerContext*, const runtime::v1::PortForwardRequest*,
                           runtime::v1::PortForwardResponse*) override;

  grpc::Status ContainerStats(grpc::ServerContext*, const runtime::v1::ContainerStatsRequest*,
                              runtime::v1::ContainerStatsResponse*) override;
  grpc::Status ListContainerStats(grpc::ServerContext*, const runtime::v1::ListContainerStatsRequest*,
                                  runtime::v1::ListContainerStatsResponse*) override;
  grpc::Status PodSandboxStats(grpc::ServerContext*, const runtime::v1::PodSandboxStatsRequest*,
                               runtime::v1::PodSandboxStatsResponse*) override;
  grpc::Status ListPodSandboxStats(grpc::ServerContext*, const runtime::v1::ListPodSandboxStatsRequest*,
                                   runtime::v1::ListPodSandboxStatsResponse*) override;

 private:
  const LiveConfig& config_;
  RuntimeParts parts_;
};

}  // namespace crix::cri

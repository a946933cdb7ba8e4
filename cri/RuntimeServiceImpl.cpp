#include "cri/RuntimeServiceImpl.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "config/ConfigWriter.h"
#include "core/AtomicFile.h"
#include "core/Error.h"
#include "cri/RuntimeHealth.h"
#include "cri/ServiceBoundary.h"
#include "cri/state/CriMessages.h"
#include "cri/runtime/StreamRequests.h"

namespace crix::cri {

namespace v1 = runtime::v1;

namespace {
// The CRI version the kubelet's VersionRequest speaks; crix answers for v1.
constexpr const char* kCriApiVersion = "0.1.0";
}  // namespace

grpc::Status RuntimeServiceImpl::Version(grpc::ServerContext*, const v1::VersionRequest*,
                                         v1::VersionResponse* response) {
  return serve("Version", [&] {
    response->set_version(kCriApiVersion);
    response->set_runtime_name("crix");
    response->set_runtime_version(CRIX_VERSION);
    response->set_runtime_api_version("v1");
  });
}

grpc::Status RuntimeServiceImpl::Status(grpc::ServerContext*, const v1::StatusRequest* request,
                                        v1::StatusResponse* response) {
  return serve("Status", [&] {
    const auto cfg = config_.snapshot();
    auto* status = response->mutable_status();

    const std::string runtimeTrouble = runtimeProblem(*cfg);
    auto* runtimeReady = status->add_conditions();
    runtimeReady->set_type("RuntimeReady");
    runtimeReady->set_status(runtimeTrouble.empty());
    if (!runtimeTrouble.empty()) {
      runtimeReady->set_reason("RuntimeNotReady");
      runtimeReady->set_message(runtimeTrouble);
    }

    // Without a usable CNI network the kubelet schedules only host-network
    // pods here; the reason is the one it knows.
    const auto network = parts_.network.network();
    auto* networkReady = status->add_conditions();
    networkReady->set_type("NetworkReady");
    networkReady->set_status(network.network != nullptr);
    if (!network.network) {
      networkReady->set_reason("NetworkPluginNotReady");
      networkReady->set_message("Network plugin returns error: " + network.problem);
    }

    // The empty name stands for the default handler, as the CRI defines.
    response->add_runtime_handlers()->set_name("");
    for (const auto& [name, handler] : cfg->runtime.runtimes) {
      (void)handler;
      response->add_runtime_handlers()->set_name(name);
    }

    if (request->verbose()) (*response->mutable_info())["config"] = config::toJson(*cfg).dump();
  });
}

grpc::Status RuntimeServiceImpl::RuntimeConfig(grpc::ServerContext*, const v1::RuntimeConfigRequest*,
                                               v1::RuntimeConfigResponse* response) {
  return serve("RuntimeConfig", [&] {
    const auto cfg = config_.snapshot();
    response->mutable_linux()->set_cgroup_driver(
        cfg->runtime.cgroup_manager == "systemd" ? v1::SYSTEMD : v1::CGROUPFS);
  });
}

grpc::Status RuntimeServiceImpl::UpdateRuntimeConfig(grpc::ServerContext*,
                                                     const v1::UpdateRuntimeConfigRequest* request,
                                                     v1::UpdateRuntimeConfigResponse*) {
  // The kubelet sends the node's pod CIDR; plugins that take the ipRanges
  // capability allocate from it for pods started from now on.
  return serve("UpdateRuntimeConfig", [&] {
    parts_.network.setPodCidr(request->runtime_config().network_config().pod_cidr());
  });
}

grpc::Status RuntimeServiceImpl::Exec(grpc::ServerContext*, const v1::ExecRequest* request,
                                      v1::ExecResponse* response) {
  return serve("Exec", [&] {
    response->set_url(parts_.streams.execUrl(checkedExec(*request, parts_.containers)));
  });
}

grpc::Status RuntimeServiceImpl::Attach(grpc::ServerContext*, const v1::AttachRequest* request,
                                        v1::AttachResponse* response) {
  return serve("Attach", [&] {
    response->set_url(parts_.streams.attachUrl(checkedAttach(*request, parts_.containers)));
  });
}

grpc::Status RuntimeServiceImpl::PortForward(grpc::ServerContext*, const v1::PortForwardRequest* request,
                                             v1::PortForwardResponse* response) {
  return serve("PortForward", [&] {
    response->set_url(parts_.streams.portForwardUrl(checkedPortForward(*request, parts_.state)));
  });
}

grpc::Status RuntimeServiceImpl::RunPodSandbox(grpc::ServerContext*, const v1::RunPodSandboxRequest* request,
                                               v1::RunPodSandboxResponse* response) {
  return serve("RunPodSandbox", [&] {
    const auto slot = parts_.slowCalls.enter("RunPodSandbox");
    response->set_pod_sandbox_id(parts_.pods.run(*request));
  });
}

grpc::Status RuntimeServiceImpl::StopPodSandbox(grpc::ServerContext*, const v1::StopPodSandboxRequest* request,
                                                v1::StopPodSandboxResponse*) {
  return serve("StopPodSandbox", [&] {
    const auto slot = parts_.slowCalls.enter("StopPodSandbox");
    if (request->pod_sandbox_id().empty()) throw Error::invalidArgument("pod_sandbox_id is required");
    parts_.pods.stop(request->pod_sandbox_id());
  });
}

grpc::Status RuntimeServiceImpl::RemovePodSandbox(grpc::ServerContext*, const v1::RemovePodSandboxRequest* request,
                                                  v1::RemovePodSandboxResponse*) {
  return serve("RemovePodSandbox", [&] {
    const auto slot = parts_.slowCalls.enter("RemovePodSandbox");
    if (request->pod_sandbox_id().empty()) throw Error::invalidArgument("pod_sandbox_id is required");
    parts_.pods.remove(request->pod_sandbox_id());
  });
}

grpc::Status RuntimeServiceImpl::PodSandboxStatus(grpc::ServerContext*, const v1::PodSandboxStatusRequest* request,
                                                  v1::PodSandboxStatusResponse* response) {
  return serve("PodSandboxStatus", [&] {
    if (request->pod_sandbox_id().empty()) throw Error::invalidArgument("pod_sandbox_id is required");
    const auto found = parts_.state.pod(request->pod_sandbox_id());
    if (!found) throw Error::notFound("pod sandbox \"" + request->pod_sandbox_id() + "\" not found");
    const auto pod = parts_.pods.observed(*found);
    fillPodSandboxStatus(pod, response->mutable_status());
    if (request->verbose()) {
      nlohmann::json info = {
          {"id", pod.id},
          {"runtimeHandler", pod.runtimeHandler},
          {"hostname", pod.hostname},
          {"namespaces", {{"network", pod.netnsPath}, {"ipc", pod.ipcnsPath}, {"uts", pod.utsnsPath},
                          {"pid", pod.pidnsPath}}},
          {"pausePid", pod.pausePid},
          {"infraContainerId", pod.infraContainerId},
          {"resolvConfPath", pod.resolvConfPath},
          {"shmPath", pod.shmPath},
          {"network", pod.network},
          {"ips", pod.ips},
          // "stopping" or "removing" while a slow step runs on it; "" when none.
          {"activity", activityName(parts_.state.podActivity(pod.id))},
      };
      (*response->mutable_info())["info"] = info.dump();
    }
    for (const auto& ctr : parts_.containers.list()) {
      if (ctr.podId != pod.id) continue;
      v1::ContainerStatus status;
      fillContainerStatus(ctr, &status);
      *response->add_containers_statuses() = status;
    }
  });
}

grpc::Status RuntimeServiceImpl::ListPodSandbox(grpc::ServerContext*, const v1::ListPodSandboxRequest* request,
                                                v1::ListPodSandboxResponse* response) {
  return serve("ListPodSandbox", [&] {
    for (const auto& record : parts_.state.pods()) {
      const auto pod = parts_.pods.observed(record);
      if (!request->has_filter() || matches(pod, request->filter())) fillPodSandbox(pod, response->add_items());
    }
  });
}

grpc::Status RuntimeServiceImpl::CreateContainer(grpc::ServerContext*, const v1::CreateContainerRequest* request,
                                                 v1::CreateContainerResponse* response) {
  return serve("CreateContainer", [&] {
    const auto slot = parts_.slowCalls.enter("CreateContainer");
    response->set_container_id(parts_.containers.create(*request));
  });
}

grpc::Status RuntimeServiceImpl::StartContainer(grpc::ServerContext*, const v1::StartContainerRequest* request,
                                                v1::StartContainerResponse*) {
  return serve("StartContainer", [&] {
    const auto slot = parts_.slowCalls.enter("StartContainer");
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    parts_.containers.start(request->container_id());
  });
}

grpc::Status RuntimeServiceImpl::StopContainer(grpc::ServerContext*, const v1::StopContainerRequest* request,
                                               v1::StopContainerResponse*) {
  return serve("StopContainer", [&] {
    const auto slot = parts_.slowCalls.enter("StopContainer");
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    parts_.containers.stop(request->container_id(), std::chrono::seconds(std::max<int64_t>(0, request->timeout())));
  });
}

grpc::Status RuntimeServiceImpl::RemoveContainer(grpc::ServerContext*, const v1::RemoveContainerRequest* request,
                                                 v1::RemoveContainerResponse*) {
  return serve("RemoveContainer", [&] {
    const auto slot = parts_.slowCalls.enter("RemoveContainer");
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    parts_.containers.remove(request->container_id());
  });
}

grpc::Status RuntimeServiceImpl::ListContainers(grpc::ServerContext*, const v1::ListContainersRequest* request,
                                                v1::ListContainersResponse* response) {
  return serve("ListContainers", [&] {
    for (const auto& ctr : parts_.containers.list())
      if (!request->has_filter() || matches(ctr, request->filter())) fillContainer(ctr, response->add_containers());
  });
}

grpc::Status RuntimeServiceImpl::ContainerStatus(grpc::ServerContext*, const v1::ContainerStatusRequest* request,
                                                 v1::ContainerStatusResponse* response) {
  return serve("ContainerStatus", [&] {
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    const auto ctr = parts_.containers.status(request->container_id());
    fillContainerStatus(ctr, response->mutable_status());
    if (request->verbose()) {
      nlohmann::json info = {
          {"sandboxID", ctr.podId},
          {"pid", ctr.state == ContainerState::Exited ? 0 : ctr.pid},
          {"runtimeHandler", ctr.runtimeHandler},
          {"cgroupsPath", ctr.cgroupsPath},
          {"stopSignal", ctr.stopSignal},
          // "starting", "stopping" or "removing" while a slow step runs on it.
          {"activity", activityName(parts_.state.containerActivity(ctr.id))},
      };
      try {
        info["runtimeSpec"] =
            nlohmann::json::parse(readWholeFile(parts_.state.layout().bundleConfig(ctr.id)));
      } catch (const std::exception& e) {
        info["runtimeSpec"] = nullptr;
      }
      (*response->mutable_info())["info"] = info.dump();
    }
  });
}

grpc::Status RuntimeServiceImpl::UpdateContainerResources(grpc::ServerContext*,
                                                          const v1::UpdateContainerResourcesRequest* request,
                                                          v1::UpdateContainerResourcesResponse*) {
  return serve("UpdateContainerResources", [&] {
    const auto slot = parts_.slowCalls.enter("UpdateContainerResources");
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    if (!request->has_linux()) throw Error::invalidArgument("UpdateContainerResources: linux resources are required");
    parts_.containers.updateResources(request->container_id(), request->linux());
  });
}

grpc::Status RuntimeServiceImpl::ReopenContainerLog(grpc::ServerContext*, const v1::ReopenContainerLogRequest* request,
                                                    v1::ReopenContainerLogResponse*) {
  return serve("ReopenContainerLog", [&] {
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    parts_.containers.reopenLog(request->container_id());
  });
}

grpc::Status RuntimeServiceImpl::ExecSync(grpc::ServerContext*, const v1::ExecSyncRequest* request,
                                          v1::ExecSyncResponse* response) {
  return serve("ExecSync", [&] {
    const auto slot = parts_.slowCalls.enter("ExecSync");
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    const std::vector<std::string> cmd(request->cmd().begin(), request->cmd().end());
    const auto outcome = parts_.containers.execSync(request->container_id(), cmd,
                                                    std::chrono::seconds(std::max<int64_t>(0, request->timeout())));
    response->set_stdout(outcome.stdoutBytes);
    response->set_stderr(outcome.stderrBytes);
    response->set_exit_code(outcome.exitCode);
  });
}

grpc::Status RuntimeServiceImpl::ContainerStats(grpc::ServerContext*, const v1::ContainerStatsRequest* request,
                                                v1::ContainerStatsResponse* response) {
  return serve("ContainerStats", [&] {
    if (request->container_id().empty()) throw Error::invalidArgument("container_id is required");
    const auto ctr = parts_.containers.status(request->container_id());
    parts_.stats.fillContainer(ctr, response->mutable_stats());
  });
}

grpc::Status RuntimeServiceImpl::ListContainerStats(grpc::ServerContext*, const v1::ListContainerStatsRequest* request,
                                                    v1::ListContainerStatsResponse* response) {
  return serve("ListContainerStats", [&] {
    for (const auto& ctr : parts_.containers.list()) {
      // Stats describe what runs: an exited container has none.
      if (!matches(ctr, request->filter()) || ctr.state != ContainerState::Running) continue;
      parts_.stats.fillContainer(ctr, response->add_stats());
    }
  });
}

grpc::Status RuntimeServiceImpl::PodSandboxStats(grpc::ServerContext*, const v1::PodSandboxStatsRequest* request,
                                                 v1::PodSandboxStatsResponse* response) {
  return serve("PodSandboxStats", [&] {
    if (request->pod_sandbox_id().empty()) throw Error::invalidArgument("pod_sandbox_id is required");
    const auto pod = parts_.state.pod(request->pod_sandbox_id());
    if (!pod) throw Error::notFound("pod sandbox \"" + request->pod_sandbox_id() + "\" not found");
    parts_.stats.fillPod(*pod, parts_.containers.list(), response->mutable_stats());
  });
}

grpc::Status RuntimeServiceImpl::ListPodSandboxStats(grpc::ServerContext*,
                                                     const v1::ListPodSandboxStatsRequest* request,
                                                     v1::ListPodSandboxStatsResponse* response) {
  return serve("ListPodSandboxStats", [&] {
    const auto containers = parts_.containers.list();
    for (const auto& pod : parts_.state.pods()) {
      // As ListPodSandbox shows it: a pod whose infra container exited is
      // not ready, whatever its record says.
      if (!matches(pod, request->filter()) || parts_.pods.observed(pod).state != PodState::Ready) continue;
      parts_.stats.fillPod(pod, containers, response->add_stats());
    }
  });
}

}  // namespace crix::cri

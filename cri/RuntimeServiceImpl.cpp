#include "cri/RuntimeServiceImpl.h"

#include "config/ConfigWriter.h"
#include "cri/ServiceBoundary.h"

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

    auto* runtimeReady = status->add_conditions();
    runtimeReady->set_type("RuntimeReady");
    runtimeReady->set_status(true);

    // Until pod networking lands, kubelet must not schedule pods that need a
    // pod network here; the reason is the one kubelet knows.
    auto* networkReady = status->add_conditions();
    networkReady->set_type("NetworkReady");
    networkReady->set_status(false);
    networkReady->set_reason("NetworkPluginNotReady");
    networkReady->set_message("Network plugin returns error: crix does not configure pod networks (CNI) yet");

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

}  // namespace crix::cri

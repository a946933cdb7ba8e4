#include "contrib/crixctl/StatusCalls.h"

namespace crixctl {

runtime::v1::ContainerStatusResponse containerStatus(CriClient& client, const std::string& id, bool verbose) {
  runtime::v1::ContainerStatusRequest request;
  request.set_container_id(id);
  request.set_verbose(verbose);
  return client.call(client.runtime(), &CriClient::RuntimeStub::ContainerStatus, request);
}

runtime::v1::PodSandboxStatusResponse podSandboxStatus(CriClient& client, const std::string& id, bool verbose) {
  runtime::v1::PodSandboxStatusRequest request;
  request.set_pod_sandbox_id(id);
  request.set_verbose(verbose);
  return client.call(client.runtime(), &CriClient::RuntimeStub::PodSandboxStatus, request);
}

}  // namespace crixctl

#include "contrib/crixctl/LifecycleCalls.h"

#include <iostream>

#include "core/Error.h"

namespace crixctl {
namespace {

void requireId(const std::string& id) {
  if (id.empty()) throw crix::Error::invalidArgument("ID cannot be empty");
}

const std::string& shown(const std::string& id, const std::string& shownAs) { return shownAs.empty() ? id : shownAs; }

template <class Request>
Request forContainer(const std::string& id) {
  Request request;
  request.set_container_id(id);
  return request;
}

template <class Request>
Request forPod(const std::string& id) {
  Request request;
  request.set_pod_sandbox_id(id);
  return request;
}

// Flushed at once, so that a script reading the output sees each ID as soon
// as it is done even when a later one hangs.
template <class Request, class Response>
void callThenEcho(CriClient& client,
                  grpc::Status (CriClient::RuntimeStub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, const std::string& echo,
                  std::optional<std::chrono::nanoseconds> limit = std::nullopt) {
  client.call(client.runtime(), method, request, limit);
  std::cout << echo << "\n" << std::flush;
}

}  // namespace

std::string runPodSandbox(CriClient& client, const runtime::v1::PodSandboxConfig& config,
                          const std::string& runtimeHandler, std::optional<std::chrono::nanoseconds> timeout) {
  runtime::v1::RunPodSandboxRequest request;
  *request.mutable_config() = config;
  request.set_runtime_handler(runtimeHandler);
  const auto limit = timeout.value_or(client.settings().timeout);
  const auto response = client.call(client.runtime(), &CriClient::RuntimeStub::RunPodSandbox, request, limit * 2);
  return response.pod_sandbox_id();
}

void startContainer(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  callThenEcho(client, &CriClient::RuntimeStub::StartContainer,
               forContainer<runtime::v1::StartContainerRequest>(id), shown(id, shownAs));
}

void stopContainer(CriClient& client, const std::string& id, std::int64_t graceSeconds,
                   const std::string& shownAs) {
  requireId(id);
  clilog::debug("Stopping container: ", id, " (timeout = ", graceSeconds, ")");
  auto request = forContainer<runtime::v1::StopContainerRequest>(id);
  request.set_timeout(graceSeconds);
  const auto limit = client.settings().timeout + std::chrono::seconds(std::max<std::int64_t>(graceSeconds, 0));
  callThenEcho(client, &CriClient::RuntimeStub::StopContainer, request, shown(id, shownAs), limit);
}

void removeContainer(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Removing container: ", id);
  callThenEcho(client, &CriClient::RuntimeStub::RemoveContainer,
               forContainer<runtime::v1::RemoveContainerRequest>(id), shown(id, shownAs));
}

void stopPodSandbox(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Stopping pod sandbox: ", id);
  callThenEcho(client, &CriClient::RuntimeStub::StopPodSandbox, forPod<runtime::v1::StopPodSandboxRequest>(id),
               "Stopped sandbox " + shown(id, shownAs));
}

void removePodSandbox(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Removing pod sandbox: ", id);
  callThenEcho(client, &CriClient::RuntimeStub::RemovePodSandbox, forPod<runtime::v1::RemovePodSandboxRequest>(id),
               "Removed sandbox " + shown(id, shownAs));
}

}  // namespace crixctl

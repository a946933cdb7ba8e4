#include "contrib/crixctl/LifecycleCalls.h"

#include <iostream>
#include <set>

#include "core/Error.h"

namespace crixctl {
namespace {

void requireId(const std::string& id) {
  if (id.empty()) throw crix::Error::invalidArgument("ID cannot be empty");
}

const std::string& shown(const std::string& id, const std::string& shownAs) { return shownAs.empty() ? id : shownAs; }

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
  runtime::v1::StartContainerRequest request;
  request.set_container_id(id);
  client.call(client.runtime(), &CriClient::RuntimeStub::StartContainer, request);
  std::cout << shown(id, shownAs) << "\n" << std::flush;
}

void stopContainer(CriClient& client, const std::string& id, std::int64_t graceSeconds,
                   const std::string& shownAs) {
  requireId(id);
  clilog::debug("Stopping container: ", id, " (timeout = ", graceSeconds, ")");
  runtime::v1::StopContainerRequest request;
  request.set_container_id(id);
  request.set_timeout(graceSeconds);
  const auto limit = client.settings().timeout + std::chrono::seconds(std::max<std::int64_t>(graceSeconds, 0));
  client.call(client.runtime(), &CriClient::RuntimeStub::StopContainer, request, limit);
  std::cout << shown(id, shownAs) << "\n" << std::flush;
}

void removeContainer(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Removing container: ", id);
  runtime::v1::RemoveContainerRequest request;
  request.set_container_id(id);
  client.call(client.runtime(), &CriClient::RuntimeStub::RemoveContainer, request);
  std::cout << shown(id, shownAs) << "\n" << std::flush;
}

void stopPodSandbox(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Stopping pod sandbox: ", id);
  runtime::v1::StopPodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  client.call(client.runtime(), &CriClient::RuntimeStub::StopPodSandbox, request);
  std::cout << "Stopped sandbox " << shown(id, shownAs) << "\n" << std::flush;
}

void removePodSandbox(CriClient& client, const std::string& id, const std::string& shownAs) {
  requireId(id);
  clilog::debug("Removing pod sandbox: ", id);
  runtime::v1::RemovePodSandboxRequest request;
  request.set_pod_sandbox_id(id);
  client.call(client.runtime(), &CriClient::RuntimeStub::RemovePodSandbox, request);
  std::cout << "Removed sandbox " << shown(id, shownAs) << "\n" << std::flush;
}

void runAll(const std::vector<std::function<void()>>& steps) {
  std::vector<crix::Error> errors;
  for (const auto& step : steps) {
    try {
      step();
    } catch (const crix::Error& e) {
      errors.push_back(e);
    }
  }
  if (errors.empty()) return;
  if (errors.size() == 1) throw errors.front();
  std::set<std::string> seen;
  std::string joined;
  for (const auto& e : errors) {
    if (!seen.insert(e.what()).second) continue;
    if (!joined.empty()) joined += ", ";
    joined += e.what();
  }
  if (seen.size() == 1) throw crix::Error(errors.front().code(), joined);
  throw crix::Error(errors.front().code(), "[" + joined + "]");
}

}  // namespace crixctl

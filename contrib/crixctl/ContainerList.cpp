#include "contrib/crixctl/ContainerList.h"

#include <algorithm>
#include <map>

#include "contrib/crixctl/ListFilters.h"

namespace crixctl {
namespace {

runtime::v1::ContainerFilter containerFilter(const ContainerQuery& query) {
  runtime::v1::ContainerFilter filter;
  filter.set_id(query.id);
  filter.set_pod_sandbox_id(query.podId);
  if (const auto state = containerStateFromFlag(query.state)) {
    filter.mutable_state()->set_state(*state);
  } else if (!query.all) {
    filter.mutable_state()->set_state(runtime::v1::CONTAINER_RUNNING);
  }
  // --latest/--last look at every state.
  if (query.latest || query.last > 0) filter.clear_state();
  setParsedLabels(*filter.mutable_label_selector(), query.labels);
  return filter;
}

bool startsWith(const std::string& text, const std::string& prefix) { return text.compare(0, prefix.size(), prefix) == 0; }

std::vector<runtime::v1::Container> fetchContainers(CriClient& client, runtime::v1::ContainerFilter filter) {
  runtime::v1::ListContainersRequest request;
  *request.mutable_filter() = filter;
  auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListContainers, request);
  std::vector<runtime::v1::Container> list(response.containers().begin(), response.containers().end());
  // A runtime that takes only full IDs in the filter: match prefixes here.
  if (list.empty() && (!filter.id().empty() || !filter.pod_sandbox_id().empty())) {
    request.mutable_filter()->clear_id();
    request.mutable_filter()->clear_pod_sandbox_id();
    response = client.call(client.runtime(), &CriClient::RuntimeStub::ListContainers, request);
    for (const auto& c : response.containers()) {
      if (startsWith(c.id(), filter.id()) && startsWith(c.pod_sandbox_id(), filter.pod_sandbox_id()))
        list.push_back(c);
    }
  }
  return list;
}

std::string imageIdOf(CriClient& client, const std::string& image) {
  runtime::v1::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  const auto response = client.call(client.images(), &CriClient::ImageStub::ImageStatus, request);
  return response.has_image() ? response.image().id() : "";
}

template <class Item>
void newestFirst(std::vector<Item>& items, bool latest, long long last) {
  std::stable_sort(items.begin(), items.end(),
                   [](const Item& a, const Item& b) { return a.created_at() > b.created_at(); });
  items.resize(truncateCount(items.size(), latest, last));
}

}  // namespace

std::vector<runtime::v1::Container> listContainers(CriClient& client, const ContainerQuery& query) {
  const NameMatcher name(query.namePattern);
  const NameMatcher ns(query.namespacePattern);
  std::map<std::string, std::string> imageIds;  // reference -> ID, asked once each
  auto idOf = [&](const std::string& ref) {
    auto it = imageIds.find(ref);
    if (it == imageIds.end()) it = imageIds.emplace(ref, imageIdOf(client, ref)).first;
    return it->second;
  };

  std::vector<runtime::v1::Container> out;
  for (auto& c : fetchContainers(client, containerFilter(query))) {
    if (!c.has_metadata()) continue;
    if (!name.matches(c.metadata().name()) || !ns.matches(podNamespaceLabel(c.labels()))) continue;
    if (!query.image.empty()) {
      const std::string wanted = idOf(query.image);
      if (wanted.empty() || wanted != idOf(c.image().image())) continue;
    }
    out.push_back(std::move(c));
  }
  newestFirst(out, query.latest, query.last);
  return out;
}

std::vector<runtime::v1::PodSandbox> listPods(CriClient& client, const PodQuery& query) {
  runtime::v1::PodSandboxFilter filter;
  filter.set_id(query.id);
  if (const auto state = podStateFromFlag(query.state)) filter.mutable_state()->set_state(*state);
  setParsedLabels(*filter.mutable_label_selector(), query.labels);

  runtime::v1::ListPodSandboxRequest request;
  *request.mutable_filter() = filter;
  auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListPodSandbox, request);
  std::vector<runtime::v1::PodSandbox> pods(response.items().begin(), response.items().end());
  if (pods.empty() && !filter.id().empty()) {
    request.mutable_filter()->clear_id();
    response = client.call(client.runtime(), &CriClient::RuntimeStub::ListPodSandbox, request);
    for (const auto& p : response.items()) {
      if (startsWith(p.id(), filter.id())) pods.push_back(p);
    }
  }

  const NameMatcher name(query.namePattern);
  const NameMatcher ns(query.namespacePattern);
  std::vector<runtime::v1::PodSandbox> out;
  for (auto& p : pods) {
    if (p.has_metadata() && name.matches(p.metadata().name()) && ns.matches(p.metadata().namespace_()))
      out.push_back(std::move(p));
  }
  newestFirst(out, query.latest, query.last);
  return out;
}

}  // namespace crixctl

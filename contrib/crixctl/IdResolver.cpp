#include "contrib/crixctl/IdResolver.h"

#include <algorithm>

#include "core/Error.h"

namespace crixctl {
namespace {

template <class Items>
std::vector<std::string> idsOf(const Items& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id());
  return ids;
}

std::vector<std::string> containerIds(CriClient& client, const std::string& filterId) {
  runtime::v1::ListContainersRequest request;
  if (!filterId.empty()) request.mutable_filter()->set_id(filterId);
  const auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListContainers, request);
  return idsOf(response.containers());
}

std::vector<std::string> podIds(CriClient& client, const std::string& filterId) {
  runtime::v1::ListPodSandboxRequest request;
  if (!filterId.empty()) request.mutable_filter()->set_id(filterId);
  const auto response = client.call(client.runtime(), &CriClient::RuntimeStub::ListPodSandbox, request);
  return idsOf(response.items());
}

template <class List>
std::string resolve(CriClient& client, const std::string& text, std::string_view kind, List list) {
  if (text.empty()) return text;
  const auto filtered = list(client, text);
  if (!filtered.empty()) return pickIdByPrefix(filtered, text, kind);
  return pickIdByPrefix(list(client, ""), text, kind);
}

}  // namespace

std::string pickIdByPrefix(const std::vector<std::string>& ids, const std::string& text, std::string_view kind) {
  if (std::find(ids.begin(), ids.end(), text) != ids.end()) return text;
  std::vector<std::string> matches;
  for (const auto& id : ids) {
    if (id.compare(0, text.size(), text) == 0) matches.push_back(id);
  }
  if (matches.empty()) return text;
  if (matches.size() == 1) return matches.front();
  std::string list;
  for (const auto& id : matches) list += (list.empty() ? "" : ", ") + id;
  throw crix::Error::invalidArgument(std::string(kind) + " ID prefix \"" + text + "\" is ambiguous: it matches " +
                                     list + "; give more characters");
}

std::string resolveContainerId(CriClient& client, const std::string& text) {
  return resolve(client, text, "container", containerIds);
}

std::string resolvePodId(CriClient& client, const std::string& text) { return resolve(client, text, "pod", podIds); }

}  // namespace crixctl

// Listing containers and pods with the filters crictl's ps, pods, inspect
// and inspectp share: what the runtime filters (ID, pod, state, labels) and
// what crictl filters itself (name and namespace patterns, image, --latest
// and --last). Results are newest first.
#pragma once

#include <string>
#include <vector>

#include "contrib/crixctl/CriClient.h"

namespace crixctl {

struct ContainerQuery {
  std::string id{};     // full ID or prefix
  std::string podId{};  // full ID or prefix
  std::string state{};  // created|running|exited|unknown, any case
  bool all = false;   // without a state: every state, not only running
  std::vector<std::string> labels{};  // key=value
  std::string namePattern{};
  std::string namespacePattern{};
  std::string image{};  // same image (by ID) as this reference
  bool latest = false;
  long long last = 0;
};

struct PodQuery {
  std::string id{};     // full ID or prefix
  std::string state{};  // ready|notready, any case
  std::vector<std::string> labels{};
  std::string namePattern{};
  std::string namespacePattern{};
  bool latest = false;
  long long last = 0;
};

// Throw crix::Error for bad flags (state, label, pattern) and failed calls.
std::vector<runtime::v1::Container> listContainers(CriClient& client, const ContainerQuery& query);
std::vector<runtime::v1::PodSandbox> listPods(CriClient& client, const PodQuery& query);

}  // namespace crixctl

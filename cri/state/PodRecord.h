// What crix remembers of one pod sandbox, written to
// <runroot>/pods/<id>/pod.json at every change.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "cri/api/Cri.h"

namespace crix::cri {

enum class PodState { Ready, NotReady };

struct PodRecord {
  std::string id;
  runtime::v1::PodSandboxConfig config;
  std::string runtimeHandler;  // "" is the default runtime
  int64_t createdAtNanos = 0;
  PodState state = PodState::NotReady;
  // False while RunPodSandbox is still building the pod: a record found so
  // after a crash is torn down at start, never shown.
  bool complete = false;

  // Pinned namespaces; "" when the pod uses the node's (or none was pinned).
  std::string netnsPath;
  std::string ipcnsPath;
  std::string utsnsPath;
  std::string pidnsPath;
  int pausePid = 0;
  // With drop_infra_ctr = false: the pod's infra container, which then holds
  // the shared PID namespace instead of a pause process.
  std::string infraContainerId;

  std::string hostname;
  std::string resolvConfPath;  // "" when the pod has none
  std::string hostnamePath;
  std::string shmPath;         // "" with the node's IPC namespace

  // The pod network (CNI): the network's name and the pod's addresses,
  // primary first; empty for host-network pods.
  std::string network;
  std::vector<std::string> ips;

  // The key names are unique under: k8s_NAME_NAMESPACE_UID_ATTEMPT.
  std::string nameKey() const;
};

// Where a pod's, or its containers', namespaces come from.
bool usesHostNetwork(const runtime::v1::PodSandboxConfig& config);
bool usesHostIpc(const runtime::v1::PodSandboxConfig& config);
bool usesHostPid(const runtime::v1::PodSandboxConfig& config);
bool sharesPodPid(const runtime::v1::PodSandboxConfig& config);

nlohmann::json toJson(const PodRecord& record);
PodRecord podRecordFromJson(const nlohmann::json& json);

std::string_view podStateName(PodState state);

}  // namespace crix::cri

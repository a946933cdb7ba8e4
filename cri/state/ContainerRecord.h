// What crix remembers of one container, written to
// <runroot>/containers/<id>/container.json at every change. How the
// container ended is crix-conmon's exit file beside it; the record copies it
// in once read.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "cri/api/Cri.h"
#include "cri/state/PodRecord.h"

namespace crix::cri {

enum class ContainerState { Created, Running, Exited, Unknown };

struct ContainerRecord {
  std::string id;
  std::string podId;
  runtime::v1::ContainerConfig config;
  std::string imageId;    // "sha256:…"
  std::string imageRef;   // the repo digest it came from, else the ID
  std::string imageName;  // a repo tag of the image, as ContainerStatus shows it
  std::string runtimeHandler;
  int64_t createdAtNanos = 0;
  int64_t startedAtNanos = 0;
  int64_t finishedAtNanos = 0;
  ContainerState state = ContainerState::Created;
  // False while CreateContainer is still building it (see PodRecord).
  bool complete = false;
  int pid = 0;
  int exitCode = 0;
  std::string reason;
  std::string message;
  std::string logPath;
  std::string cgroupsPath;  // runc's linux.cgroupsPath
  std::string monitorCgroup;  // crix-conmon's own cgroup; "" when it stayed in the daemon's
  int stopSignal = 15;
  // The pod's infra container (crio.conf drop_infra_ctr = false): kept out
  // of ListContainers, as CRI-O does, and removed with its pod.
  bool infra = false;

  // Unique within the node: k8s_NAME_PODNAME_PODNAMESPACE_PODUID_ATTEMPT.
  std::string nameKey(const PodRecord& pod) const;
};

nlohmann::json toJson(const ContainerRecord& record);
ContainerRecord containerRecordFromJson(const nlohmann::json& json);

std::string_view containerStateName(ContainerState state);

}  // namespace crix::cri

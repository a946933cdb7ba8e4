#include "cri/state/ContainerRecord.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "cri/state/ProtoText.h"

namespace crix::cri {

std::string ContainerRecord::nameKey(const PodRecord& pod) const {
  const auto& p = pod.config.metadata();
  return "k8s_" + config.metadata().name() + "_" + p.name() + "_" + p.namespace_() + "_" + p.uid() + "_" +
         std::to_string(config.metadata().attempt());
}

std::string_view containerStateName(ContainerState state) {
  switch (state) {
    case ContainerState::Created: return "created";
    case ContainerState::Running: return "running";
    case ContainerState::Exited: return "exited";
    case ContainerState::Unknown: break;
  }
  return "unknown";
}

static ContainerState stateFromName(const std::string& name) {
  if (name == "created") return ContainerState::Created;
  if (name == "running") return ContainerState::Running;
  if (name == "exited") return ContainerState::Exited;
  return ContainerState::Unknown;
}

nlohmann::json toJson(const ContainerRecord& r) {
  return {
      {"id", r.id},
      {"pod_id", r.podId},
      {"config", nlohmann::json::parse(protoToJson(r.config))},
      {"image_id", r.imageId},
      {"image_ref", r.imageRef},
      {"image_name", r.imageName},
      {"runtime_handler", r.runtimeHandler},
      {"created_at", r.createdAtNanos},
      {"started_at", r.startedAtNanos},
      {"finished_at", r.finishedAtNanos},
      {"state", containerStateName(r.state)},
      {"complete", r.complete},
      {"pid", r.pid},
      {"exit_code", r.exitCode},
      {"reason", r.reason},
      {"message", r.message},
      {"log_path", r.logPath},
      {"cgroups_path", r.cgroupsPath},
      {"monitor_cgroup", r.monitorCgroup},
      {"stop_signal", r.stopSignal},
      {"infra", r.infra},
  };
}

ContainerRecord containerRecordFromJson(const nlohmann::json& j) {
  try {
    ContainerRecord r;
    r.id = j.at("id").get<std::string>();
    r.podId = j.at("pod_id").get<std::string>();
    protoFromJson(j.at("config").dump(), &r.config);
    r.imageId = j.value("image_id", "");
    r.imageRef = j.value("image_ref", "");
    r.imageName = j.value("image_name", "");
    r.runtimeHandler = j.value("runtime_handler", "");
    r.createdAtNanos = j.value("created_at", int64_t{0});
    r.startedAtNanos = j.value("started_at", int64_t{0});
    r.finishedAtNanos = j.value("finished_at", int64_t{0});
    r.state = stateFromName(j.value("state", ""));
    r.complete = j.value("complete", false);
    r.pid = j.value("pid", 0);
    r.exitCode = j.value("exit_code", 0);
    r.reason = j.value("reason", "");
    r.message = j.value("message", "");
    r.logPath = j.value("log_path", "");
    r.cgroupsPath = j.value("cgroups_path", "");
    r.monitorCgroup = j.value("monitor_cgroup", "");
    r.stopSignal = j.value("stop_signal", 15);
    r.infra = j.value("infra", false);
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error::dataLoss(std::string("container record: ") + e.what());
  }
}

}  // namespace crix::cri

#include "cri/state/PodRecord.h"

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "cri/state/ProtoText.h"

namespace crix::cri {

namespace rt = runtime::v1;

std::string PodRecord::nameKey() const {
  const auto& m = config.metadata();
  return "k8s_" + m.name() + "_" + m.namespace_() + "_" + m.uid() + "_" + std::to_string(m.attempt());
}

static const rt::NamespaceOption& namespaceOptions(const rt::PodSandboxConfig& config) {
  return config.linux().security_context().namespace_options();
}

bool usesHostNetwork(const rt::PodSandboxConfig& config) {
  return namespaceOptions(config).network() == rt::NODE;
}
bool usesHostIpc(const rt::PodSandboxConfig& config) { return namespaceOptions(config).ipc() == rt::NODE; }
bool usesHostPid(const rt::PodSandboxConfig& config) { return namespaceOptions(config).pid() == rt::NODE; }
bool sharesPodPid(const rt::PodSandboxConfig& config) { return namespaceOptions(config).pid() == rt::POD; }

std::string_view podStateName(PodState state) {
  return state == PodState::Ready ? "ready" : "notready";
}

nlohmann::json toJson(const PodRecord& r) {
  return {
      {"id", r.id},
      {"config", nlohmann::json::parse(protoToJson(r.config))},
      {"runtime_handler", r.runtimeHandler},
      {"created_at", r.createdAtNanos},
      {"state", podStateName(r.state)},
      {"complete", r.complete},
      {"netns", r.netnsPath},
      {"ipcns", r.ipcnsPath},
      {"utsns", r.utsnsPath},
      {"pidns", r.pidnsPath},
      {"pause_pid", r.pausePid},
      {"infra_container", r.infraContainerId},
      {"hostname", r.hostname},
      {"resolv_conf", r.resolvConfPath},
      {"hostname_file", r.hostnamePath},
      {"shm", r.shmPath},
      {"network", r.network},
      {"ips", r.ips},
  };
}

PodRecord podRecordFromJson(const nlohmann::json& j) {
  try {
    PodRecord r;
    r.id = j.at("id").get<std::string>();
    protoFromJson(j.at("config").dump(), &r.config);
    r.runtimeHandler = j.value("runtime_handler", "");
    r.createdAtNanos = j.value("created_at", int64_t{0});
    r.state = j.value("state", "") == "ready" ? PodState::Ready : PodState::NotReady;
    r.complete = j.value("complete", false);
    r.netnsPath = j.value("netns", "");
    r.ipcnsPath = j.value("ipcns", "");
    r.utsnsPath = j.value("utsns", "");
    r.pidnsPath = j.value("pidns", "");
    r.pausePid = j.value("pause_pid", 0);
    r.infraContainerId = j.value("infra_container", "");
    r.hostname = j.value("hostname", "");
    r.resolvConfPath = j.value("resolv_conf", "");
    r.hostnamePath = j.value("hostname_file", "");
    r.shmPath = j.value("shm", "");
    r.network = j.value("network", "");
    r.ips = j.value("ips", std::vector<std::string>{});
    return r;
  } catch (const nlohmann::json::exception& e) {
    throw Error::dataLoss(std::string("pod record: ") + e.what());
  }
}

}  // namespace crix::cri

#include "cri/state/CriMessages.h"

#include <csignal>
#include <cstring>
#include <string>

namespace crix::cri {

namespace rt = runtime::v1;

rt::PodSandboxState criState(PodState state) {
  return state == PodState::Ready ? rt::SANDBOX_READY : rt::SANDBOX_NOTREADY;
}

rt::ContainerState criState(ContainerState state) {
  switch (state) {
    case ContainerState::Created: return rt::CONTAINER_CREATED;
    case ContainerState::Running: return rt::CONTAINER_RUNNING;
    case ContainerState::Exited: return rt::CONTAINER_EXITED;
    case ContainerState::Unknown: break;
  }
  return rt::CONTAINER_UNKNOWN;
}

void fillPodSandbox(const PodRecord& pod, rt::PodSandbox* out) {
  out->set_id(pod.id);
  *out->mutable_metadata() = pod.config.metadata();
  out->set_state(criState(pod.state));
  out->set_created_at(pod.createdAtNanos);
  *out->mutable_labels() = pod.config.labels();
  *out->mutable_annotations() = pod.config.annotations();
  out->set_runtime_handler(pod.runtimeHandler);
}

void fillPodSandboxStatus(const PodRecord& pod, rt::PodSandboxStatus* out) {
  out->set_id(pod.id);
  *out->mutable_metadata() = pod.config.metadata();
  out->set_state(criState(pod.state));
  out->set_created_at(pod.createdAtNanos);
  // Host-network pods have none: the kubelet uses the node's addresses.
  auto* network = out->mutable_network();
  for (std::size_t i = 0; i < pod.ips.size(); ++i) {
    if (i == 0) network->set_ip(pod.ips[0]);
    else network->add_additional_ips()->set_ip(pod.ips[i]);
  }
  auto* ns = out->mutable_linux()->mutable_namespaces()->mutable_options();
  *ns = pod.config.linux().security_context().namespace_options();
  *out->mutable_labels() = pod.config.labels();
  *out->mutable_annotations() = pod.config.annotations();
  out->set_runtime_handler(pod.runtimeHandler);
}

void fillContainer(const ContainerRecord& ctr, rt::Container* out) {
  out->set_id(ctr.id);
  out->set_pod_sandbox_id(ctr.podId);
  *out->mutable_metadata() = ctr.config.metadata();
  out->mutable_image()->set_image(ctr.imageName);
  out->set_image_ref(ctr.imageRef);
  out->set_image_id(ctr.imageId);
  out->set_state(criState(ctr.state));
  out->set_created_at(ctr.createdAtNanos);
  *out->mutable_labels() = ctr.config.labels();
  *out->mutable_annotations() = ctr.config.annotations();
}

void fillContainerStatus(const ContainerRecord& ctr, rt::ContainerStatus* out) {
  out->set_id(ctr.id);
  *out->mutable_metadata() = ctr.config.metadata();
  out->set_state(criState(ctr.state));
  out->set_created_at(ctr.createdAtNanos);
  if (ctr.state == ContainerState::Running || ctr.state == ContainerState::Exited)
    out->set_started_at(ctr.startedAtNanos);
  if (ctr.state == ContainerState::Exited) {
    out->set_finished_at(ctr.finishedAtNanos);
    out->set_exit_code(ctr.exitCode);
    out->set_reason(ctr.reason);
    out->set_message(ctr.message);
  }
  out->mutable_image()->set_image(ctr.imageName);
  out->set_image_ref(ctr.imageRef);
  out->set_image_id(ctr.imageId);
  *out->mutable_labels() = ctr.config.labels();
  *out->mutable_annotations() = ctr.config.annotations();
  *out->mutable_mounts() = ctr.config.mounts();
  out->set_log_path(ctr.logPath);
  out->set_stop_signal(criSignal(ctr.stopSignal));
  if (ctr.config.linux().has_resources()) *out->mutable_resources()->mutable_linux() = ctr.config.linux().resources();
}

rt::Signal criSignal(int signal) {
  std::string name;
  if (signal >= SIGRTMIN && signal <= SIGRTMAX) {
    const int fromMin = signal - SIGRTMIN, toMax = SIGRTMAX - signal;
    name = fromMin == 0   ? "SIGRTMIN"
           : toMax == 0   ? "SIGRTMAX"
           : fromMin <= toMax ? "SIGRTMINPLUS" + std::to_string(fromMin)
                              : "SIGRTMAXMINUS" + std::to_string(toMax);
  } else if (const char* abbrev = sigabbrev_np(signal)) {
    name = std::string("SIG") + abbrev;
  }
  rt::Signal value = rt::RUNTIME_DEFAULT;
  if (!rt::Signal_Parse(name, &value)) return rt::RUNTIME_DEFAULT;
  return value;
}

bool matchesLabels(const google::protobuf::Map<std::string, std::string>& labels,
                   const google::protobuf::Map<std::string, std::string>& selector) {
  for (const auto& [key, value] : selector) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

bool matchesId(const std::string& id, const std::string& filter) {
  return filter.empty() || id.starts_with(filter);
}

bool matches(const PodRecord& pod, const rt::PodSandboxFilter& filter) {
  if (!matchesId(pod.id, filter.id())) return false;
  if (filter.has_state() && filter.state().state() != criState(pod.state)) return false;
  return matchesLabels(pod.config.labels(), filter.label_selector());
}

bool matches(const PodRecord& pod, const rt::PodSandboxStatsFilter& filter) {
  return matchesId(pod.id, filter.id()) && matchesLabels(pod.config.labels(), filter.label_selector());
}

bool matches(const ContainerRecord& ctr, const rt::ContainerStatsFilter& filter) {
  return matchesId(ctr.id, filter.id()) && matchesId(ctr.podId, filter.pod_sandbox_id()) &&
         matchesLabels(ctr.config.labels(), filter.label_selector());
}

bool matches(const ContainerRecord& ctr, const rt::ContainerFilter& filter) {
  if (!matchesId(ctr.id, filter.id())) return false;
  if (!matchesId(ctr.podId, filter.pod_sandbox_id())) return false;
  if (filter.has_state() && filter.state().state() != criState(ctr.state)) return false;
  return matchesLabels(ctr.config.labels(), filter.label_selector());
}

}  // namespace crix::cri

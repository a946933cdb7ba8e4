#include "oci/SpecAnnotations.h"

namespace crix::oci {

nlohmann::json annotationsSection(const PodContext& pod, const ContainerContext& ctr) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [key, value] : ctr.config.annotations()) out[key] = value;

  const auto& podMeta = pod.config.metadata();
  out["io.kubernetes.container.name"] = ctr.config.metadata().name();
  out["io.kubernetes.pod.name"] = podMeta.name();
  out["io.kubernetes.pod.namespace"] = podMeta.namespace_();
  out["io.kubernetes.pod.uid"] = podMeta.uid();

  const auto flag = [](bool b) { return b ? "true" : "false"; };
  out["io.kubernetes.cri-o.ContainerType"] = "container";
  out["io.kubernetes.cri-o.SandboxID"] = pod.podId;
  out["io.kubernetes.cri-o.ContainerID"] = ctr.containerId;
  out["io.kubernetes.cri-o.Image"] = ctr.config.image().image();
  out["io.kubernetes.cri-o.LogPath"] = ctr.logPath;
  out["io.kubernetes.cri-o.TTY"] = flag(ctr.config.tty());
  out["io.kubernetes.cri-o.Stdin"] = flag(ctr.config.stdin());
  out["io.kubernetes.cri-o.StdinOnce"] = flag(ctr.config.stdin_once());
  return out;
}

}  // namespace crix::oci

#include "oci/Namespaces.h"

#include "core/Error.h"
#include "core/Log.h"

namespace crix::oci {
namespace {

std::string pinned(const PodContext& pod, NamespaceKind kind) {
  const auto it = pod.namespacePaths.find(kind);
  return it == pod.namespacePaths.end() ? "" : it->second;
}

void add(nlohmann::json& list, const char* type, const std::string& path = "") {
  nlohmann::json ns = {{"type", type}};
  if (!path.empty()) ns["path"] = path;
  list.push_back(std::move(ns));
}

}  // namespace

bool usesHostUts(const PodContext& pod) { return pod.hostNetwork; }

nlohmann::json namespacesSection(const PodContext& pod, const ContainerContext& ctr,
                                 bool cgroupV2) {
  const auto& options = ctr.config.linux().security_context().namespace_options();
  if (options.has_userns_options() && options.userns_options().mode() != runtime::v1::NODE) {
    if (options.userns_options().mode() == runtime::v1::POD) {
      throw Error::unimplemented("user namespaces are not supported by crix yet");
    }
    throw Error::invalidArgument("the user namespace mode must be POD or NODE");
  }

  nlohmann::json list = nlohmann::json::array();
  add(list, "mount");
  if (!pod.hostNetwork) add(list, "network", pinned(pod, NamespaceKind::Network));
  if (!pod.hostIpc) add(list, "ipc", pinned(pod, NamespaceKind::Ipc));
  if (!usesHostUts(pod)) add(list, "uts", pinned(pod, NamespaceKind::Uts));

  const auto mode = pod.hostPid ? runtime::v1::NODE : options.pid();
  switch (mode) {
    case runtime::v1::NODE:
      break;
    case runtime::v1::CONTAINER:
      add(list, "pid");
      break;
    case runtime::v1::POD: {
      const std::string path = pinned(pod, NamespaceKind::Pid);
      // POD is also what an absent namespace_options reads as, so only an
      // explicit request for sharing is worth a warning.
      if (path.empty() && ctr.config.linux().security_context().has_namespace_options()) {
        log::warn("container ", ctr.containerId, " asks for the pod's PID namespace but pod ",
                  pod.podId, " has none pinned; it gets its own");
      }
      add(list, "pid", path);
      break;
    }
    case runtime::v1::TARGET:
      if (ctr.targetPidNamespacePath.empty()) {
        throw Error::invalidArgument(
            "PID namespace mode TARGET needs the namespace of target " +
            (options.target_id().empty()
                 ? std::string("container, but target_id is empty")
                 : "container " + options.target_id() + ", which is not known"));
      }
      add(list, "pid", ctr.targetPidNamespacePath);
      break;
    default:
      throw Error::invalidArgument("unknown PID namespace mode " + std::to_string(mode));
  }
  if (cgroupV2) add(list, "cgroup");
  return list;
}

}  // namespace crix::oci

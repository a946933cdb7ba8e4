#include "cri/runtime/PodLifecycle.h"

#include <unistd.h>

#include <filesystem>

#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"
#include "cri/runtime/ContainerLifecycle.h"
#include "cri/runtime/RandomId.h"
#include "cri/sandbox/PodHostname.h"
#include "cri/sandbox/ResolvConf.h"
#include "cri/sandbox/ShmMount.h"
#include "oci/runtime/RuntimeHandlerInfo.h"

namespace crix::cri {

namespace rt = runtime::v1;

namespace {

std::string nodeHostname() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) throw Error::fromErrno("gethostname", errno);
  return name;
}

void validate(const rt::PodSandboxConfig& config) {
  if (!config.has_metadata()) throw Error::invalidArgument("PodSandboxConfig.metadata is required");
  const auto& m = config.metadata();
  if (m.name().empty()) throw Error::invalidArgument("PodSandboxConfig.metadata.name is required");
  if (m.namespace_().empty()) throw Error::invalidArgument("PodSandboxConfig.metadata.namespace is required");
  if (!config.hostname().empty()) sandbox::validatePodHostname(config.hostname());
  if (config.linux().security_context().namespace_options().pid() == rt::TARGET)
    throw Error::invalidArgument("a pod's PID namespace mode cannot be TARGET (only a container's can)");
}

}  // namespace

std::string PodLifecycle::run(const rt::RunPodSandboxRequest& request) {
  const auto cfg = config_.snapshot();
  validate(request.config());
  const PodNetworkArgs networkArgs = podNetworkArgs(request.config());
  // Refuses unknown handlers before anything exists.
  (void)oci::resolveRuntime(*cfg, request.runtime_handler());

  PodRecord pod;
  pod.id = randomId();
  pod.config = request.config();
  pod.runtimeHandler = request.runtime_handler();
  pod.createdAtNanos = nowNanos();
  pod.state = PodState::NotReady;
  pod.complete = false;

  // Set up under the "creating" claim, with no lock: the pod is not seen
  // by others until it is complete, and CNI ADD or a pause-image pull holds
  // up nobody.
  const auto claim = state_.claimPod(pod.id, Activity::Creating);
  state_.addPod(pod);
  try {
    setUp(pod, *cfg, networkArgs);
    pod.state = PodState::Ready;
    pod.complete = true;
    auto lock = state_.podLock(pod.id);
    state_.savePod(pod);
  } catch (const std::exception& e) {
    log::warn("pod ", pod.id, " (", pod.nameKey(), ") failed to start; undoing: ", e.what());
    try {
      for (const auto& ctr : state_.containersOfPod(pod.id)) containers_.discard(ctr);
      releaseNodeResources(pod);
      discard(pod);
    } catch (const std::exception& undo) {
      log::error("undoing pod ", pod.id, ": ", undo.what(), "; it is removed at the next start");
    }
    throw;
  }
  log::info("pod ", pod.id, " (", pod.nameKey(), ") ready");
  return pod.id;
}

void PodLifecycle::setUp(PodRecord& pod, const config::Config& cfg, const PodNetworkArgs& networkArgs) {
  const std::string dir = state_.layout().podDir(pod.id);
  const bool hostNetwork = usesHostNetwork(pod.config);
  // An infra container holds a shared PID namespace itself; without one a
  // pause process does (netns/).
  const bool infra = !cfg.runtime.drop_infra_ctr;

  pod.hostname = hostNetwork ? nodeHostname()
                 : pod.config.hostname().empty() ? pod.id.substr(0, 12)
                                                 : pod.config.hostname();
  pod.hostnamePath = dir + "/hostname";
  if (pod.config.has_dns_config()) pod.resolvConfPath = dir + "/resolv.conf";
  uint64_t shmSize = 0;
  if (!usesHostIpc(pod.config)) {
    pod.shmPath = dir + "/shm";
    const auto& annotations = pod.config.annotations();
    const auto size = annotations.find(sandbox::kShmSizeAnnotation);
    shmSize = size == annotations.end() ? sandbox::kDefaultShmSize : sandbox::parseShmSize(size->second);
  }
  // Recorded once, before anything is made on the node: what undoing needs
  // (the shm path; namespaces are released by pod ID, the infra container
  // by its own record) is known up front. run() records the rest.
  state_.savePod(pod);

  sandbox::writeHostnameFile(pod.hostnamePath, pod.hostname);
  if (!pod.resolvConfPath.empty()) sandbox::writeResolvConf(pod.resolvConfPath, pod.config.dns_config());

  netns::PodNamespaceRequest ns;
  ns.podId = pod.id;
  ns.hostname = pod.hostname;
  ns.network = !hostNetwork;
  ns.ipc = !usesHostIpc(pod.config);
  ns.uts = !hostNetwork;
  ns.pid = sharesPodPid(pod.config) && !infra;
  const netns::PinnedNamespaces pinned = sandbox_.pinNamespaces(ns);
  pod.netnsPath = pinned.network;
  pod.ipcnsPath = pinned.ipc;
  pod.utsnsPath = pinned.uts;
  pod.pidnsPath = pinned.pid;
  pod.pausePid = pinned.pausePid;

  if (!hostNetwork) {
    netns::cni::PodNetworkRequest net;
    net.podId = pod.id;
    net.netnsPath = pod.netnsPath;
    net.podName = pod.config.metadata().name();
    net.podNamespace = pod.config.metadata().namespace_();
    net.podUid = pod.config.metadata().uid();
    net.portMappings = networkArgs.portMappings;
    net.bandwidth = networkArgs.bandwidth;
    const auto attached = sandbox_.attachNetwork(net);
    pod.network = attached.network;
    pod.ips = attached.ips;
  }

  if (!pod.shmPath.empty()) sandbox_.mountShm(pod.shmPath, shmSize);

  if (infra) {
    pod.infraContainerId = containers_.createInfra(pod, cfg);
    if (sharesPodPid(pod.config))
      pod.pidnsPath = "/proc/" + std::to_string(containers_.status(pod.infraContainerId).pid) + "/ns/pid";
  }
}

PodRecord PodLifecycle::observed(PodRecord pod) {
  if (pod.state != PodState::Ready || pod.infraContainerId.empty()) return pod;
  try {
    if (containers_.status(pod.infraContainerId).state == ContainerState::Exited) pod.state = PodState::NotReady;
  } catch (const Error& e) {
    if (e.code() != StatusCode::NotFound) throw;
    pod.state = PodState::NotReady;
  }
  return pod;
}

void PodLifecycle::releaseNodeResources(const PodRecord& pod) {
  sandbox_.detachNetwork(pod.id);
  if (!pod.shmPath.empty()) sandbox_.unmountShm(pod.shmPath);
  sandbox_.releaseNamespaces(pod.id);
}

void PodLifecycle::discard(const PodRecord& pod) {
  {
    auto lock = state_.podLock(pod.id);
    state_.forgetPod(pod.id);
  }
  std::error_code ec;
  std::filesystem::remove_all(state_.layout().podDir(pod.id), ec);
  if (ec) throw Error::internal("remove the directory of pod " + pod.id + ": " + ec.message());
}

// The pod lock is held only to change the pod's record; releasing what the
// pod holds on the node (CNI DEL) runs under the pod's "stopping" or
// "removing" claim, so that one caller at a time tears it down while
// readers and other pods go on. Each container is stopped or removed on
// its own, so a container's grace period holds up nothing else. Marking the
// pod NotReady first refuses new containers (CreateContainer checks under
// the pod lock), and every container admitted before is found here.
void PodLifecycle::stop(const std::string& idOrPrefix) {
  const auto found = state_.pod(idOrPrefix);
  if (!found) {
    log::debug("StopPodSandbox: pod ", idOrPrefix, " is already gone");
    return;
  }
  if (!markNotReady(found->id)) return;
  forEachContainer(found->id, [&](const std::string& id) { containers_.stopForPod(id); });
  const auto claim = state_.claimPod(found->id, Activity::Stopping);
  const auto pod = state_.pod(found->id);
  if (!pod) return;  // removed meanwhile
  releaseNodeResources(*pod);
  log::info("pod ", pod->id, " stopped");
}

void PodLifecycle::remove(const std::string& idOrPrefix) {
  const auto found = state_.pod(idOrPrefix);
  if (!found) {
    log::debug("RemovePodSandbox: pod ", idOrPrefix, " is already gone");
    return;
  }
  if (!markNotReady(found->id)) return;
  // CRI: running containers are forcibly removed with the pod.
  forEachContainer(found->id, [&](const std::string& id) { containers_.remove(id); });
  const auto claim = state_.claimPod(found->id, Activity::Removing);
  const auto pod = state_.pod(found->id);
  if (!pod) return;  // removed meanwhile
  releaseNodeResources(*pod);
  discard(*pod);
  log::info("pod ", pod->id, " removed");
}

bool PodLifecycle::markNotReady(const std::string& id) {
  auto lock = state_.podLock(id);
  auto pod = state_.pod(id);
  if (!pod) return false;
  if (pod->state != PodState::NotReady) {
    pod->state = PodState::NotReady;
    state_.savePod(*pod);
  }
  return true;
}

void PodLifecycle::forEachContainer(const std::string& podId, const std::function<void(const std::string&)>& act) {
  for (const auto& ctr : state_.containersOfPod(podId)) {
    // Still being created: once that ends the container is complete, or
    // gone if its creation failed.
    if (!ctr.complete) state_.awaitContainer(ctr.id);
    if (!state_.container(ctr.id)) continue;
    try {
      act(ctr.id);
    } catch (const Error& e) {
      if (e.code() != StatusCode::NotFound) throw;  // removed meanwhile: nothing left to do
    }
  }
}

}  // namespace crix::cri

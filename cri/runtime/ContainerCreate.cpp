// CreateContainer, and the infra container a pod gets with drop_infra_ctr = false: the
// overlay root, the OCI spec and crix-conmon running `runc create`, all or nothing.
#include "cri/runtime/ContainerLifecycle.h"

#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/AtomicFile.h"
#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"
#include "cri/runtime/RandomId.h"
#include "oci/RuntimeSpecBuilder.h"
#include "oci/StopSignal.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/RuntimeHandlerInfo.h"
#include "storage/registry/ImageConfig.h"
#include "storage/registry/ImageReference.h"

namespace crix::cri {

namespace fs = std::filesystem;
namespace rt = runtime::v1;

namespace {

std::string logPathFor(const PodRecord& pod, const rt::ContainerConfig& config, const std::string& fallback) {
  const std::string& dir = pod.config.log_directory();
  const std::string& rel = config.log_path();
  if (dir.empty() || rel.empty()) return fallback;
  if (rel.front() == '/' || rel.find("..") != std::string::npos)
    throw Error::invalidArgument("ContainerConfig.log_path \"" + rel +
                                 "\" must be a relative path inside the pod's log_directory");
  return dir + "/" + rel;
}

oci::PodContext podContext(const PodRecord& pod) {
  oci::PodContext ctx;
  ctx.podId = pod.id;
  ctx.hostname = pod.hostname;
  if (!pod.netnsPath.empty()) ctx.namespacePaths[oci::NamespaceKind::Network] = pod.netnsPath;
  if (!pod.ipcnsPath.empty()) ctx.namespacePaths[oci::NamespaceKind::Ipc] = pod.ipcnsPath;
  if (!pod.utsnsPath.empty()) ctx.namespacePaths[oci::NamespaceKind::Uts] = pod.utsnsPath;
  if (!pod.pidnsPath.empty()) ctx.namespacePaths[oci::NamespaceKind::Pid] = pod.pidnsPath;
  ctx.resolvConfPath = pod.resolvConfPath;
  ctx.hostnamePath = pod.hostnamePath;
  ctx.shmPath = pod.shmPath;
  ctx.runtimeHandler = pod.runtimeHandler;
  ctx.hostNetwork = usesHostNetwork(pod.config);
  ctx.hostIpc = usesHostIpc(pod.config);
  ctx.hostPid = usesHostPid(pod.config);
  ctx.config = pod.config;
  return ctx;
}

// The name ContainerStatus shows: the tag the request named, normalized
// ("busybox" is docker.io/library/busybox:latest); for a request by ID or
// digest, the image's first tag.
std::string shownImageName(const std::string& requested, const storage::ImageRecord& image) {
  try {
    const std::string normalized = registry::ImageReference::parse(requested).str();
    for (const auto& tag : image.repoTags)
      if (tag == normalized) return tag;
  } catch (const Error&) {
    // An ID or ID prefix: not a reference.
  }
  return image.repoTags.empty() ? requested : image.repoTags.front();
}

}  // namespace

std::string ContainerLifecycle::create(const rt::CreateContainerRequest& request) {
  const auto cfg = config_.snapshot();
  const rt::ContainerConfig& config = request.config();
  if (!config.has_metadata() || config.metadata().name().empty())
    throw Error::invalidArgument("ContainerConfig.metadata.name is required");
  if (config.image().image().empty()) throw Error::invalidArgument("ContainerConfig.image.image is required");
  if (request.pod_sandbox_id().empty()) throw Error::invalidArgument("pod_sandbox_id is required");

  const auto found = state_.pod(request.pod_sandbox_id());
  if (!found) throw Error::notFound("pod sandbox \"" + request.pod_sandbox_id() + "\" not found");
  auto podLock = state_.podLock(found->id);
  const auto pod = state_.pod(found->id);
  if (!pod) throw Error::notFound("pod sandbox \"" + request.pod_sandbox_id() + "\" not found");
  if (pod->state != PodState::Ready)
    throw Error::failedPrecondition("pod sandbox " + pod->id + " is not ready (it was stopped)");

  // The pod lock only admits the container: createIn releases it once the
  // record is in (incomplete, activity "creating"), so other creates in the
  // pod run beside this one, and a StopPodSandbox that comes meanwhile finds
  // the container and waits for its creation to end.
  return createIn(*pod, config, false, *cfg, &podLock);
}

std::string ContainerLifecycle::createInfra(const PodRecord& pod, const config::Config& cfg) {
  rt::ContainerConfig config;
  config.mutable_metadata()->set_name("POD");
  config.mutable_metadata()->set_attempt(pod.config.metadata().attempt());
  config.mutable_image()->set_image(cfg.image.pause_image);
  config.add_command(cfg.image.pause_command);
  *config.mutable_labels() = pod.config.labels();
  *config.mutable_annotations() = pod.config.annotations();
  auto* sc = config.mutable_linux()->mutable_security_context();
  *sc->mutable_namespace_options() = pod.config.linux().security_context().namespace_options();
  sc->set_readonly_rootfs(true);
  if (!images_.lookup(cfg.image.pause_image, *config_.registries(cfg))) {
    log::info("pulling the pause image ", cfg.image.pause_image, " for pod ", pod.id);
    storage::PullRequest pull;
    pull.image = cfg.image.pause_image;
    pull.pinned = true;
    images_.pull(pull, *config_.registries(cfg));
  }
  const std::string id = createIn(pod, config, true, cfg);
  start(id);
  return id;
}

std::string ContainerLifecycle::createIn(const PodRecord& pod, const rt::ContainerConfig& config, bool infra,
                                         const config::Config& cfg, ObjectLock* podLock) {
  const auto image = images_.lookup(config.image().image(), *config_.registries(cfg));
  if (!image) throw Error::notFound("image \"" + config.image().image() + "\" not found; pull it first");

  ContainerRecord record;
  record.id = randomId();
  record.infra = infra;
  record.podId = pod.id;
  record.config = config;
  record.imageId = image->id;
  record.imageRef = image->repoDigests.empty() ? image->id : image->repoDigests.front();
  record.imageName = shownImageName(config.image().image(), *image);
  record.runtimeHandler = pod.runtimeHandler;
  record.createdAtNanos = nowNanos();
  record.state = ContainerState::Created;
  record.complete = false;

  // No lock is held while the container is built: nobody else writes an
  // incomplete record (readers do not see it), and those that must wait for
  // it (a StopPodSandbox, a RemoveContainer) wait for the claim.
  auto claim = state_.claimContainer(record.id, Activity::Creating);
  state_.addContainer(record, pod);
  if (podLock) podLock->unlock();
  try {
    build(record, pod, *image, cfg);
    record.complete = true;
    auto lock = state_.containerLock(record.id);
    state_.saveContainer(record);
  } catch (const std::exception& e) {
    log::warn("container ", record.id, " (", record.nameKey(pod), ") failed to be created; undoing: ", e.what());
    try {
      discard(record);
    } catch (const std::exception& undo) {
      log::error("undoing container ", record.id, ": ", undo.what(), "; it is removed at the next start");
    }
    throw;
  }
  log::info("container ", record.id, " (", record.nameKey(pod), ") created, pid ", record.pid);
  return record.id;
}

void ContainerLifecycle::build(ContainerRecord& record, const PodRecord& pod, const storage::ImageRecord& image,
                               const config::Config& cfg) {
  const StateLayout& layout = state_.layout();
  const std::string dir = layout.containerDir(record.id);
  const auto runtime = oci::resolveRuntime(cfg, pod.runtimeHandler);

  record.logPath = logPathFor(pod, record.config, dir + "/container.log");
  makeDirectories(fs::path(record.logPath).parent_path());

  const std::string rootfs = images_.createRootfs(record.id, image);

  oci::ContainerContext ctx;
  ctx.containerId = record.id;
  ctx.rootfsPath = rootfs;
  ctx.config = record.config;
  ctx.image = registry::parseImageConfig(images_.configJson(image.id));
  ctx.logPath = record.logPath;
  ctx.runDir = dir;
  const auto& nsOptions = record.config.linux().security_context().namespace_options();
  if (nsOptions.pid() == rt::TARGET) {
    auto target = state_.container(nsOptions.target_id());
    if (!target || target->podId != pod.id)
      throw Error::notFound("PID namespace target container \"" + nsOptions.target_id() +
                            "\" not found in pod " + pod.id);
    readExit(*target);  // its lock is not ours to take here: look, do not record
    if (target->state != ContainerState::Running && target->state != ContainerState::Created)
      throw Error::failedPrecondition("PID namespace target container " + target->id + " is not running");
    ctx.targetPidNamespacePath = "/proc/" + std::to_string(target->pid) + "/ns/pid";
  }
  record.stopSignal = oci::stopSignal(record.config, ctx.image.config);

  const nlohmann::json spec = oci::buildRuntimeSpec(cfg, podContext(pod), ctx);
  record.cgroupsPath = spec.value(nlohmann::json::json_pointer("/linux/cgroupsPath"), std::string());
  writeFileAtomically(layout.bundleConfig(record.id), spec.dump(), 0600);

  oci::MonitorStart start;
  start.containerId = record.id;
  start.bundleDir = dir;
  start.runtime = runtime;
  start.logPath = record.logPath;
  start.logSizeMax = cfg.runtime.log_size_max;
  start.terminal = record.config.tty();
  start.stdin = record.config.stdin();
  start.stdinOnce = record.config.stdin_once();
  start.exitFile = layout.exitFile(record.id);
  start.attachSocket = layout.attachSocket(record.id);
  start.ctlFifo = layout.ctlFifo(record.id);
  start.pidFile = layout.pidFile(record.id);
  start.conmonPidFile = layout.conmonPidFile(record.id);
  start.conmonLogPath = layout.conmonLog(record.id);
  start.cgroupPath = record.cgroupsPath;
  // crix-conmon gets a cgroup of its own, out of the daemon's (CRI-O's
  // conmon_cgroup); with the systemd driver systemd owns the tree.
  if (cfg.runtime.cgroup_manager != "systemd") {
    record.monitorCgroup =
        oci::resolveMonitorCgroup(runtime.monitorCgroup, pod.config.linux().cgroup_parent(), record.id);
    start.monitorCgroup = record.monitorCgroup;
  }
  // Undoing a half-made container must find the monitor cgroup.
  state_.saveContainer(record);
  record.pid = oci_.launch(start);
}

}  // namespace crix::cri

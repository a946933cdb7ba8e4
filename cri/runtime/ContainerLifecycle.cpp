#include "cri/runtime/ContainerLifecycle.h"

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/Error.h"
#include "core/Log.h"
#include "cri/runtime/RandomId.h"
#include "cri/runtime/WallClock.h"
#include "oci/HostFacts.h"
#include "oci/Resources.h"
#include "oci/RuntimeSpecBuilder.h"
#include "oci/StopSignal.h"
#include "oci/runtime/MonitorLauncher.h"
#include "oci/runtime/CgroupPaths.h"
#include "oci/runtime/ControlFifo.h"
#include "oci/runtime/ExecSync.h"
#include "oci/runtime/ExitFile.h"
#include "oci/runtime/OciRuntime.h"
#include "oci/runtime/RuntimeHandlerInfo.h"
#include "storage/AtomicFile.h"
#include "storage/registry/ImageConfig.h"
#include "storage/registry/ImageReference.h"

namespace crix::cri {

namespace fs = std::filesystem;
namespace rt = runtime::v1;

namespace {

// How long a SIGKILLed container may take to be reaped and recorded before
// StopContainer gives up (an unkillable D-state process, a dead monitor).
constexpr auto kKillWait = std::chrono::seconds(20);
// How long crix-conmon may take to open a reopened log.
constexpr auto kReopenWait = std::chrono::seconds(5);

void makeDirs(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error::internal("create " + dir + ": " + ec.message());
}

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

std::string exitReason(const oci::ExitRecord& exit) {
  if (exit.oomKilled) return "OOMKilled";
  return exit.exitCode == 0 ? "Completed" : "Error";
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

ContainerRecord ContainerLifecycle::mustFind(const std::string& idOrPrefix) const {
  auto record = state_.container(idOrPrefix);
  if (!record) throw Error::notFound("container \"" + idOrPrefix + "\" not found");
  return *record;
}

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
  makeDirs(fs::path(record.logPath).parent_path());

  const std::string rootfs = images_.containers().create(record.id, image.id, image.layers);

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
    observe(*target);  // its lock is not ours to take here: look, do not record
    if (target->state != ContainerState::Running && target->state != ContainerState::Created)
      throw Error::failedPrecondition("PID namespace target container " + target->id + " is not running");
    ctx.targetPidNamespacePath = "/proc/" + std::to_string(target->pid) + "/ns/pid";
  }
  record.stopSignal = oci::stopSignal(record.config, ctx.image.config);

  const nlohmann::json spec = oci::buildRuntimeSpec(cfg, podContext(pod), ctx);
  record.cgroupsPath = spec.value(nlohmann::json::json_pointer("/linux/cgroupsPath"), std::string());
  storage::writeFileAtomically(layout.bundleConfig(record.id), spec.dump(), 0600);

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
  record.pid = oci::startMonitor(start).containerPid;
}

// `runc start` runs under the "starting" claim only: an exit the watcher
// reports meanwhile is recorded at once, and kept.
void ContainerLifecycle::start(const std::string& idOrPrefix) {
  const auto found = mustFind(idOrPrefix);
  auto claim = state_.claimContainer(found.id, Activity::Starting);
  ContainerRecord record;
  {
    auto lock = state_.containerLock(found.id);
    record = mustFind(found.id);  // removed while we waited: NotFound
    refresh(record);
  }
  if (record.state != ContainerState::Created)
    throw Error::failedPrecondition("container " + record.id + " is " +
                                    std::string(containerStateName(record.state)) +
                                    ", not created: it can only be started once");
  const auto cfg = config_.snapshot();
  oci::OciRuntime runtime(oci::resolveRuntime(*cfg, record.runtimeHandler));
  // Before runc start: a container that ends at once still started first.
  const int64_t startedAt = nowNanos();
  try {
    runtime.start(record.id);
  } catch (const Error& e) {
    // runc leaves the container created; it would never run now.
    log::warn("container ", record.id, " failed to start: ", e.what());
    try {
      runtime.kill(record.id, SIGKILL, true);
    } catch (const Error& killError) {
      log::warn("killing container ", record.id, " after a failed start: ", killError.what());
    }
    waitForExit(record, kKillWait);
    auto relock = state_.containerLock(record.id);
    if (!state_.container(record.id)) throw;  // removed meanwhile
    record.state = ContainerState::Exited;
    record.reason = "StartError";
    record.message = e.what();
    if (record.finishedAtNanos == 0) record.finishedAtNanos = nowNanos();
    state_.saveContainer(record);
    throw;
  }
  auto lock = state_.containerLock(record.id);
  auto fresh = state_.container(record.id);
  if (!fresh) return;  // only a remove forgets it, and that waits for our claim; recovery aside
  record = *fresh;
  refresh(record);  // a container that ran to its end before we looked
  if (record.state == ContainerState::Created) record.state = ContainerState::Running;
  record.startedAtNanos = startedAt;
  state_.saveContainer(record);
  log::info("container ", record.id, " started");
}

bool ContainerLifecycle::observe(ContainerRecord& record) const {
  if (record.state == ContainerState::Exited) return false;
  const auto exit = oci::readExitFile(state_.layout().exitFile(record.id));
  if (!exit) return false;
  record.state = ContainerState::Exited;
  record.exitCode = exit->exitCode;
  record.finishedAtNanos = exit->finishedAtNanos;
  record.reason = exitReason(*exit);
  if (!exit->error.empty()) record.message = exit->error;
  // A container killed before it was started has no start time; CRI-O shows
  // the finish time as both.
  if (record.startedAtNanos == 0) record.startedAtNanos = record.finishedAtNanos;
  return true;
}

bool ContainerLifecycle::refresh(ContainerRecord& record) {
  if (!observe(record)) return false;
  state_.saveContainer(record);
  events_.publish(ContainerEvent{ContainerEvent::Kind::Exited, record.id, record.podId, record.exitCode,
                                 record.reason, record.finishedAtNanos});
  return true;
}

void ContainerLifecycle::noteExit(const std::string& id) {
  auto lock = state_.containerLock(id);
  auto record = state_.container(id);
  // Not (or no longer) a container of ours: one being created records its
  // own failure, one removed has nothing left to record.
  if (!record) return;
  if (refresh(*record)) log::info("container ", id, " exited (", record->reason, ", code ", record->exitCode, ")");
}

// Polls the exit file, taking the container's lock only to record what it
// finds: a stop waiting out a grace period holds no lock meanwhile.
bool ContainerLifecycle::waitForExit(ContainerRecord& record, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    // Read before looking: an exit announced after the look ends the wait.
    const uint64_t seen = events_.generation();
    {
      auto lock = state_.containerLock(record.id);
      const auto fresh = state_.container(record.id);
      // Removed meanwhile (a RemoveContainer forces a stop): it is gone.
      if (!fresh) return true;
      record = *fresh;
      if (refresh(record) || record.state == ContainerState::Exited) return true;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    // ExitWatcher's announcement ends the wait; the bounded slice covers a
    // container it cannot watch (no inotify watch left).
    events_.waitPast(seen, std::min(deadline, now + std::chrono::milliseconds(100)));
  }
}

// No lock is held while signalling or waiting: a second StopContainer runs
// beside the first, each sending SIGKILL at its own deadline, so the shorter
// deadline wins; status, creates and other containers never wait on it.
void ContainerLifecycle::stop(const std::string& idOrPrefix, std::chrono::seconds timeout) {
  auto record = mustFind(idOrPrefix);
  // Shown as "stopping"; waits for a start in flight, so that the stop
  // signal finds the container running, not half started.
  const auto claim = state_.claimContainer(record.id, Activity::Stopping);
  {
    auto lock = state_.containerLock(record.id);
    record = mustFind(record.id);
    refresh(record);
  }
  if (record.state == ContainerState::Exited) return;

  const auto cfg = config_.snapshot();
  oci::OciRuntime runtime(oci::resolveRuntime(*cfg, record.runtimeHandler));
  if (timeout.count() > 0 && record.state == ContainerState::Running) {
    try {
      runtime.kill(record.id, record.stopSignal, false);
    } catch (const Error& e) {
      log::warn("sending signal ", record.stopSignal, " to container ", record.id, ": ", e.what());
    }
    if (waitForExit(record, timeout)) {
      log::info("container ", record.id, " stopped");
      return;
    }
    log::info("container ", record.id, " still running ", timeout.count(), "s after signal ",
              record.stopSignal, "; killing it");
  }
  try {
    runtime.kill(record.id, SIGKILL, true);
  } catch (const Error& e) {
    log::warn("killing container ", record.id, ": ", e.what());
  }
  if (!waitForExit(record, kKillWait)) {
    log::warn("container ", record.id, " did not exit ", kKillWait.count(), "s after SIGKILL");
    throw Error{StatusCode::DeadlineExceeded, "container " + record.id + " did not exit " +
                                                  std::to_string(kKillWait.count()) + "s after SIGKILL"};
  }
  log::info("container ", record.id, " killed");
}

void ContainerLifecycle::remove(const std::string& idOrPrefix) {
  const auto found = state_.container(idOrPrefix);
  if (!found) {
    log::debug("RemoveContainer: container ", idOrPrefix, " is already gone");
    return;
  }
  // Waits for a create or start in flight, or for another remove; a stop
  // waiting out its grace period is forced by the SIGKILL below.
  const auto claim = state_.claimContainer(found->id, Activity::Removing);
  if (!state_.container(found->id)) return;  // removed while we waited
  stop(found->id, std::chrono::seconds(0));
  const auto record = state_.container(found->id);
  if (!record) return;
  discard(*record);
  log::info("container ", record->id, " removed");
}

void ContainerLifecycle::discard(const ContainerRecord& record) {
  const auto cfg = config_.snapshot();
  try {
    oci::OciRuntime(oci::resolveRuntime(*cfg, record.runtimeHandler)).remove(record.id, true);
  } catch (const Error& e) {
    // An unknown handler after a config change still has runc state to
    // remove; report and go on with the rest.
    log::warn("runtime delete of container ", record.id, ": ", e.what());
  }
  if (!record.monitorCgroup.empty()) {
    // crix-conmon exits just after writing the exit file; give it a moment.
    for (int attempt = 0;; ++attempt) {
      try {
        oci::removeCgroup(record.monitorCgroup);
        break;
      } catch (const Error& e) {
        if (e.code() == StatusCode::FailedPrecondition && attempt < 50) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
          continue;
        }
        log::warn("removing the monitor cgroup of container ", record.id, ": ", e.what());
        break;
      }
    }
  }
  images_.containers().remove(record.id);
  {
    // Not while ExitWatcher records an exit: it would write the record back.
    auto lock = state_.containerLock(record.id);
    state_.forgetContainer(record.id);
  }
  std::error_code ec;
  fs::remove_all(state_.layout().containerDir(record.id), ec);
  if (ec) throw Error::internal("remove the directory of container " + record.id + ": " + ec.message());
  // While its image is stored, the image keeps every layer this container
  // used; only a container that outlived its image frees layers.
  if (record.imageId.empty() || !images_.hasImage(record.imageId)) images_.collectUnusedLayers();
}

ContainerRecord ContainerLifecycle::status(const std::string& idOrPrefix) {
  const auto found = mustFind(idOrPrefix);
  auto lock = state_.tryContainerLock(found.id);
  auto record = mustFind(found.id);
  if (lock.owns_lock())
    refresh(record);
  else
    observe(record);
  return record;
}

std::vector<ContainerRecord> ContainerLifecycle::list() {
  auto records = state_.containers();
  for (auto& record : records) {
    if (record.state == ContainerState::Exited) continue;
    auto lock = state_.tryContainerLock(record.id);
    if (!lock.owns_lock()) {
      observe(record);
      continue;
    }
    if (auto fresh = state_.container(record.id)) {
      record = *fresh;
      refresh(record);
    }
  }
  return records;
}

ExecSyncOutcome ContainerLifecycle::execSync(const std::string& idOrPrefix, const std::vector<std::string>& cmd,
                                             std::chrono::seconds timeout) {
  if (cmd.empty()) throw Error::invalidArgument("ExecSync: cmd is empty");
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running)
    throw Error::failedPrecondition("container " + record.id + " is not running (" +
                                    std::string(containerStateName(record.state)) + ")");
  const auto cfg = config_.snapshot();
  const auto spec = nlohmann::json::parse(storage::readWholeFile(state_.layout().bundleConfig(record.id)));
  const auto process = oci::execProcessFromSpec(spec.at("process"), cmd, false);
  const std::string scratch = state_.layout().execDir(record.id);
  makeDirs(scratch);
  const auto result =
      oci::execSync(oci::resolveRuntime(*cfg, record.runtimeHandler), record.id, process, timeout, scratch);
  // As CRI-O answers a timeout: not an RPC error, exit code -1 (the kubelet
  // counts that as a failed probe).
  if (result.timedOut) return {result.stdoutData, "command timed out", -1};
  return {result.stdoutData, result.stderrData, result.exitCode};
}

void ContainerLifecycle::reopenLog(const std::string& idOrPrefix) {
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running)
    throw Error::failedPrecondition("container " + record.id + " is not running");
  // A caller that renamed the log looks for the new one as soon as we
  // answer: crix-conmon acknowledges once it has opened it.
  try {
    oci::reopenLog(state_.layout().ctlFifo(record.id), kReopenWait);
  } catch (const Error& e) {
    // A crix-conmon started by an older crix reopens without answering.
    if (e.code() != StatusCode::DeadlineExceeded || ::access(record.logPath.c_str(), F_OK) != 0)
      throw Error{e.code(), "ReopenContainerLog of container " + record.id + ": " + e.what()};
    log::warn("container ", record.id, ": ", e.what(), "; the new log file exists, so it was reopened");
  }
}

void ContainerLifecycle::updateResources(const std::string& idOrPrefix,
                                         const rt::LinuxContainerResources& resources) {
  const auto record = status(idOrPrefix);
  if (record.state != ContainerState::Running && record.state != ContainerState::Created)
    throw Error::failedPrecondition("container " + record.id + " is not running");
  const auto cfg = config_.snapshot();
  const auto runtimeInfo = oci::resolveRuntime(*cfg, record.runtimeHandler);
  const auto linux = oci::resourcesSection(*cfg, cfg->runtimeHandler(runtimeInfo.name), resources,
                                           oci::HostFacts::current());
  oci::OciRuntime(runtimeInfo).update(record.id, linux);
  // The record as it is now: the container may have exited during the
  // update, and that must not be written back as running.
  auto lock = state_.containerLock(record.id);
  auto updated = state_.container(record.id);
  if (!updated) return;
  *updated->config.mutable_linux()->mutable_resources() = resources;
  state_.saveContainer(*updated);
}

}  // namespace crix::cri

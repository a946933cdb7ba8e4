#include "cri/runtime/StateRecovery.h"

#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/AtomicFile.h"
#include "core/Error.h"
#include "core/Log.h"
#include "core/WallClock.h"

namespace crix::cri {

namespace fs = std::filesystem;

namespace {

// The monitor is alive when the pid in its pid file is a crix-conmon (a
// recycled pid belongs to some other program).
bool monitorAlive(const std::string& conmonPidFile) {
  try {
    const int pid = std::stoi(readWholeFile(conmonPidFile));
    std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(comm, name);
    return name.starts_with("crix-conmon");
  } catch (const std::exception&) {
    return false;
  }
}

template <class Fn>
void bestEffort(const std::string& what, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    log::error("recovery: ", what, ": ", e.what());
  }
}

}  // namespace

RecoverySummary recoverState(RuntimeState& state, PodLifecycle& pods, ContainerLifecycle& containers,
                             netns::cni::PodNetworking& network, storage::ImageStorage& images) {
  RecoverySummary summary;
  std::vector<std::string> damaged;
  std::map<std::string, PodRecord> livePods;
  for (auto& pod : state.readPodRecords(&damaged)) {
    if (pod.complete) {
      state.adoptPod(pod);
      livePods[pod.id] = pod;
      ++summary.pods;
      continue;
    }
    log::info("recovery: removing pod ", pod.id, ", left half made by a crash");
    bestEffort("pod " + pod.id, [&] {
      pods.releaseNodeResources(pod);
      pods.discard(pod);
    });
    ++summary.discarded;
  }
  for (const auto& id : damaged) {
    bestEffort("damaged pod " + id, [&] { fs::remove_all(state.layout().podDir(id)); });
    ++summary.discarded;
  }

  // A pod record is written before its network is attached, so an
  // attachment without a record is one whose pod's state was lost (a
  // reboot cleared the runtime state, or the record was damaged).
  for (const auto& id : network.attachedPods()) {
    if (livePods.count(id)) continue;
    log::info("recovery: detaching pod ", id, " from the pod network; the pod is gone");
    bestEffort("network of pod " + id, [&] { network.detach(id); });
    ++summary.discarded;
  }

  damaged.clear();
  std::set<std::string> known;
  for (auto& ctr : state.readContainerRecords(&damaged)) {
    auto pod = livePods.find(ctr.podId);
    if (!ctr.complete || pod == livePods.end()) {
      log::info("recovery: removing container ", ctr.id, !ctr.complete ? ", left half made by a crash"
                                                                         : ", whose pod is gone");
      bestEffort("container " + ctr.id, [&] { containers.discard(ctr); });
      ++summary.discarded;
      continue;
    }
    state.adoptContainer(ctr, pod->second);
    if (ctr.state != ContainerState::Exited)
      bestEffort("mount the root of container " + ctr.id, [&] { images.containers().mount(ctr.id); });
    known.insert(ctr.id);
    ++summary.containers;
    auto lock = state.containerLock(ctr.id);
    containers.recordExit(ctr);
    if (ctr.state == ContainerState::Exited || monitorAlive(state.layout().conmonPidFile(ctr.id))) continue;
    // Nobody can tell how it ended: its monitor died with it (or the node's
    // processes were killed wholesale).
    log::warn("recovery: the monitor of container ", ctr.id, " is gone and left no exit status");
    ctr.state = ContainerState::Exited;
    ctr.exitCode = 255;
    ctr.reason = "Error";
    ctr.message = "the container's monitor (crix-conmon) exited without recording the container's exit";
    ctr.finishedAtNanos = nowNanos();
    if (ctr.startedAtNanos == 0) ctr.startedAtNanos = ctr.finishedAtNanos;
    bestEffort("record container " + ctr.id, [&] { state.saveContainer(ctr); });
  }
  for (const auto& id : damaged) {
    ContainerRecord stub;
    stub.id = id;
    bestEffort("damaged container " + id, [&] { containers.discard(stub); });
    ++summary.discarded;
  }
  for (const auto& id : images.containers().list()) {
    if (known.count(id)) continue;
    log::info("recovery: removing the writable layer of unknown container ", id);
    bestEffort("writable layer " + id, [&] { images.containers().remove(id); });
    ++summary.discarded;
  }
  bestEffort("unused layers", [&] { images.collectUnusedLayers(); });
  return summary;
}

}  // namespace crix::cri

// A container's life: CreateContainer (overlay rootfs, OCI bundle,
// crix-conmon running `runc create`), StartContainer, StopContainer,
// RemoveContainer, and what runs inside a live one (ExecSync, log reopen,
// resource updates). How a container ended is read from crix-conmon's exit
// file: when ExitWatcher sees it appear (noteExit()), and whenever the daemon
// looks (recordExit()), so a container that exits while the daemon is down is
// seen exactly as one that exits while it runs. Each exit is announced once,
// on events().
//
// One file per RPC: ContainerCreate.cpp (also the infra container),
// ContainerStart, ContainerStop, ContainerRemove (also discard()),
// ContainerStatus (status and list), ContainerExecSync, ContainerReopenLog,
// ContainerUpdateResources, and ContainerExit (reading and recording exits).
//
// The node is reached only through ContainerImages (image storage) and
// OciBackend (the OCI runtime and crix-conmon), so the rules here have unit
// tests with fakes (tests/cri/runtime/container_lifecycle_test.cpp).
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "cri/LiveConfig.h"
#include "cri/api/Cri.h"
#include "cri/runtime/ContainerEventHub.h"
#include "cri/runtime/ContainerImages.h"
#include "cri/runtime/OciBackend.h"
#include "cri/state/RuntimeState.h"

namespace crix::cri {

struct ExecSyncOutcome {
  std::string stdoutBytes;
  std::string stderrBytes;
  int exitCode = 0;
};

class ContainerLifecycle {
 public:
  ContainerLifecycle(const LiveConfig& config, RuntimeState& state, ContainerImages& images, OciBackend& oci)
      : config_(config), state_(state), images_(images), oci_(oci) {}

  std::string create(const runtime::v1::CreateContainerRequest& request);
  // The pod's infra container from pause_image running pause_command,
  // created and started (drop_infra_ctr = false). Called while the pod is
  // being set up, under its "creating" claim. Pulls pause_image when absent.
  std::string createInfra(const PodRecord& pod, const config::Config& cfg);
  void start(const std::string& idOrPrefix);
  // The stop signal, then SIGKILL once `timeout` has passed. Idempotent.
  void stop(const std::string& idOrPrefix, std::chrono::seconds timeout);
  // For StopPodSandbox: the kubelet has already given the pod its grace
  // period, so whatever still runs is killed.
  void stopForPod(const std::string& id) { stop(id, std::chrono::seconds(0)); }
  // Kills a live container first. Unknown IDs are not an error.
  void remove(const std::string& idOrPrefix);

  // The record, brought up to date with the exit file; NotFound when absent.
  ContainerRecord status(const std::string& idOrPrefix);
  std::vector<ContainerRecord> list();

  ExecSyncOutcome execSync(const std::string& idOrPrefix, const std::vector<std::string>& cmd,
                           std::chrono::seconds timeout);
  void reopenLog(const std::string& idOrPrefix);
  void updateResources(const std::string& idOrPrefix, const runtime::v1::LinuxContainerResources& resources);

  // ExitWatcher's report: the container's exit file appeared.
  void noteExit(const std::string& id);
  ContainerEventHub& events() { return events_; }

  // The two ways to learn how a container ended, from crix-conmon's exit
  // file. readExit() changes only the caller's copy (for readers that do
  // not hold the container's lock); recordExit() also saves the record and
  // announces the exit, so it needs the lock. Both return true when the
  // record changed (a live container found exited).
  bool readExit(ContainerRecord& record) const;
  bool recordExit(ContainerRecord& record);
  // Tears down what a (possibly half-made) container holds on the node: the
  // runtime's state, the rootfs mount and layer, its directory and record.
  void discard(const ContainerRecord& record);

 private:
  // How long a SIGKILLed container may take to be reaped and recorded before
  // a stop gives up (an unkillable D-state process, a dead monitor).
  static constexpr std::chrono::seconds kKillWait{20};

  ContainerRecord mustFind(const std::string& idOrPrefix) const;
  bool waitForExit(ContainerRecord& record, std::chrono::milliseconds limit);
  // `podLock`, when given, is released as soon as the container's record is in.
  std::string createIn(const PodRecord& pod, const runtime::v1::ContainerConfig& config, bool infra,
                       const config::Config& cfg, ObjectLock* podLock = nullptr);
  void build(ContainerRecord& record, const PodRecord& pod, const storage::ImageRecord& image,
             const config::Config& cfg);

  const LiveConfig& config_;
  RuntimeState& state_;
  ContainerImages& images_;
  OciBackend& oci_;
  ContainerEventHub events_;
};

}  // namespace crix::cri

// One container run by the real runc from a spec crix built: a bundle in a
// TempDir whose rootfs is the host's static busybox, a private runc state
// directory, and cleanup (runc delete --force, leftover cgroups) that also
// happens when a test fails half-way.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <vector>

#include "config/Config.h"
#include "oci/SpecContext.h"
#include "tests/support/Subprocess.h"
#include "tests/support/TempDir.h"

namespace crix::oci::testing {

inline constexpr const char* kRunc = "/usr/sbin/runc";
inline constexpr const char* kBusybox = "/bin/busybox";
// Every container of these tests lives below this cgroup.
inline constexpr const char* kCgroupParent = "/crix-oci-test";

class RuncBundle {
 public:
  RuncBundle();
  ~RuncBundle();
  RuncBundle(const RuncBundle&) = delete;
  RuncBundle& operator=(const RuncBundle&) = delete;

  const std::string& id() const { return id_; }
  std::string rootfs() const { return dir_.path() + "/rootfs"; }
  // The bundle directory (config.json, rootfs/) and runc's --root for it.
  const std::string& dir() const { return dir_.path(); }
  std::string stateDir() const { return dir_.path() + "/state"; }

  // A pod and a container running `argv` in the busybox rootfs, for tests
  // to adjust before building the spec.
  config::Config cfg;
  PodContext pod;
  ContainerContext ctr;

  // buildRuntimeSpec over cfg/pod/ctr on this host.
  nlohmann::json spec() const;

  // Writes config.json and runs the container in the foreground to its end.
  test::ProcessResult run(const nlohmann::json& spec,
                          std::chrono::seconds timeout = std::chrono::seconds(60));
  // runc create: the container exists (cgroups set up, process waiting to
  // start) when this returns. Throws when runc fails.
  void create(const nlohmann::json& spec);
  // runc delete --force; harmless when there is nothing to delete.
  void remove();
  // Writes config.json (and remembers the spec's cgroup for cleanup) for a
  // container someone else creates, e.g. crix-conmon.
  void writeSpec(const nlohmann::json& spec);

  // The container's cgroup directory in one v1 controller (or the unified
  // hierarchy on v2), from the spec's cgroupsPath.
  std::string cgroupDir(const std::string& controller) const;

 private:
  std::vector<std::string> runc(std::vector<std::string> args) const;

  test::TempDir dir_{"crix-oci-runc"};
  std::string id_;
  std::string cgroupsPath_;
};

// CapEff of a /proc/PID/status text, as a mask.
std::uint64_t capEff(const std::string& statusText);

}  // namespace crix::oci::testing

// Shared pieces of the oci/ unit tests: a described host (so results do not
// depend on the machine), a pod and container request over a fake rootfs in
// a TempDir, and small JSON lookups.
#pragma once

#include <sys/stat.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/Config.h"
#include "core/Error.h"
#include "oci/RuntimeSpecBuilder.h"
#include "tests/support/TempDir.h"

namespace crix::oci::testing {

inline HostFacts describedHost() {
  HostFacts host;
  host.bounding = CapabilitySet::allKnown();
  host.appArmorEnabled = false;
  host.cgroupV2 = false;
  host.swapLimitSupported = true;
  host.hugetlbController = true;
  host.pidsController = true;
  host.seccompArch = "amd64";
  host.kernelMajor = 6;
  host.kernelMinor = 1;
  host.readMountInfo = [] {
    return std::string("1 0 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n");
  };
  return host;
}

inline void writeText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path) << text;
}

inline std::string readText(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct SpecFixture {
  test::TempDir dir{"crix-oci-unit"};
  config::Config cfg = config::defaults();
  HostFacts host = describedHost();
  PodContext pod;
  ContainerContext ctr;

  SpecFixture() {
    std::filesystem::create_directories(rootfs());
    writeText(rootfs() + "/etc/passwd",
              "root:x:0:0:root:/root:/bin/sh\n"
              "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
              "app:x:1000:1000:App:/home/app:/bin/sh\n");
    writeText(rootfs() + "/etc/group",
              "root:x:0:\n"
              "daemon:x:1:\n"
              "app:x:1000:\n"
              "audio:x:29:app,other\n"
              "video:x:44:app\n");
    pod.podId = "pod0123";
    pod.hostname = "web-0";
    pod.config.mutable_metadata()->set_name("web-0");
    pod.config.mutable_metadata()->set_namespace_("default");
    pod.config.mutable_metadata()->set_uid("uid-1");
    ctr.containerId = "ctr4567";
    ctr.rootfsPath = rootfs();
    ctr.config.mutable_metadata()->set_name("app");
    ctr.config.mutable_image()->set_image("docker.io/library/busybox:latest");
    ctr.image.config.cmd = {"/bin/sh"};
  }

  std::string rootfs() const { return dir.path() + "/rootfs"; }
  runtime::v1::LinuxContainerSecurityContext& security() {
    return *ctr.config.mutable_linux()->mutable_security_context();
  }
  runtime::v1::LinuxContainerResources& resources() {
    return *ctr.config.mutable_linux()->mutable_resources();
  }
  runtime::v1::Mount& addMount(const std::string& hostPath, const std::string& containerPath) {
    auto* m = ctr.config.add_mounts();
    m->set_host_path(hostPath);
    m->set_container_path(containerPath);
    return *m;
  }
  void makePrivileged() {
    security().set_privileged(true);
    pod.config.mutable_linux()->mutable_security_context()->set_privileged(true);
  }

  nlohmann::json build() { return buildRuntimeSpec(cfg, pod, ctr, host); }
};

inline std::vector<std::string> strings(const nlohmann::json& j) {
  return j.get<std::vector<std::string>>();
}

inline bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// The spec's mount at `destination`, or null.
inline nlohmann::json mountAt(const nlohmann::json& spec, const std::string& destination) {
  for (const auto& m : spec["mounts"]) {
    if (m["destination"] == destination) return m;
  }
  return nullptr;
}

inline std::vector<std::string> mountDestinations(const nlohmann::json& spec) {
  std::vector<std::string> out;
  for (const auto& m : spec["mounts"]) out.push_back(m["destination"]);
  return out;
}

// The namespace entry of `type`, or null.
inline nlohmann::json namespaceOf(const nlohmann::json& spec, const std::string& type) {
  for (const auto& ns : spec["linux"]["namespaces"]) {
    if (ns["type"] == type) return ns;
  }
  return nullptr;
}

// Names of syscalls given `action` by any rule of a linux.seccomp section.
inline std::vector<std::string> syscallsWith(const nlohmann::json& seccomp,
                                             const std::string& action) {
  std::vector<std::string> out;
  for (const auto& rule : seccomp["syscalls"]) {
    if (rule["action"] != action) continue;
    for (const auto& n : rule["names"]) out.push_back(n);
  }
  return out;
}

// Runs `f`, expecting a crix::Error of `code` whose message contains `text`.
template <class F>
void requireError(F&& f, StatusCode code, const std::string& text) {
  try {
    f();
    FAIL("expected an error containing \"" << text << "\"");
  } catch (const Error& e) {
    CHECK(e.code() == code);
    CHECK_MESSAGE(std::string(e.what()).find(text) != std::string::npos, e.what());
  }
}

}  // namespace crix::oci::testing

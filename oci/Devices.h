// linux.devices (device nodes created in the container) and the device
// cgroup rules of linux.resources.devices.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cri/api/Cri.h"

namespace crix::oci {

struct DeviceNode {
  std::string path;  // in the container
  char type = 'c';   // 'c' or 'b'
  std::int64_t major = 0;
  std::int64_t minor = 0;
  std::uint32_t fileMode = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::string access = "rwm";
};

// The device node at `hostPath` (symlinks followed), to appear at
// `containerPath`; nullopt when it is not a character or block device.
// Throws InvalidArgument when the path does not exist.
std::optional<DeviceNode> deviceFromPath(const std::string& hostPath,
                                         const std::string& containerPath,
                                         const std::string& access);

// Every device node under `devRoot`, as runc's HostDevices walks /dev:
// pts/, shm/, fd/, mqueue/ and console are skipped, as are symlinks and
// nodes numbered 0:0.
std::vector<DeviceNode> hostDevices(const std::string& devRoot);

struct DeviceInputs {
  std::vector<std::string> additionalDevices;  // crio.conf "host[:container][:perms]"
  bool privileged = false;
  bool privilegedWithoutHostDevices = false;  // the runtime handler's setting
  bool ownershipFromSecurityContext = false;  // device_ownership_from_security_context
  std::string devRoot = "/dev";
};

struct DevicesSection {
  nlohmann::json devices = nlohmann::json::array();      // linux.devices
  nlohmann::json cgroupRules = nlohmann::json::array();  // linux.resources.devices
};

// Unprivileged: deny every device, then allow crio.conf's additional_devices
// and the request's devices (runc appends its standard /dev/null & co.).
// A request device that is a directory contributes every device node below
// it, as CRI-O does. Privileged: every host device (unless the handler says
// privileged_without_host_devices) and a rule allowing all. Empty
// permissions mean "rwm"; others must be made of r, w and m.
DevicesSection devicesSection(const DeviceInputs& inputs,
                              const runtime::v1::ContainerConfig& config);

}  // namespace crix::oci

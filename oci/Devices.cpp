#include "oci/Devices.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/Error.h"

namespace crix::oci {
namespace {

std::string checkedAccess(const std::string& access, const std::string& device) {
  if (access.empty()) return "rwm";
  for (const char c : access) {
    if (c != 'r' && c != 'w' && c != 'm') {
      throw Error::invalidArgument("device " + device + ": permissions \"" + access +
                                   "\" must be made of r, w and m");
    }
  }
  return access;
}

std::optional<DeviceNode> nodeFromStat(const struct stat& st, const std::string& containerPath,
                                       const std::string& access) {
  char type;
  if (S_ISCHR(st.st_mode)) {
    type = 'c';
  } else if (S_ISBLK(st.st_mode)) {
    type = 'b';
  } else {
    return std::nullopt;
  }
  DeviceNode node;
  node.path = containerPath;
  node.type = type;
  node.major = major(st.st_rdev);
  node.minor = minor(st.st_rdev);
  node.fileMode = st.st_mode & 07777;
  node.uid = st.st_uid;
  node.gid = st.st_gid;
  node.access = access;
  return node;
}

nlohmann::json nodeJson(const DeviceNode& d) {
  return {{"path", d.path},   {"type", std::string(1, d.type)}, {"major", d.major},
          {"minor", d.minor}, {"fileMode", d.fileMode},         {"uid", d.uid},
          {"gid", d.gid}};
}

nlohmann::json allowRule(const DeviceNode& d) {
  return {{"allow", true},
          {"type", std::string(1, d.type)},
          {"major", d.major},
          {"minor", d.minor},
          {"access", d.access}};
}

void addDevice(DevicesSection& section, const DeviceNode& d, bool withRule) {
  auto& list = section.devices;
  for (auto it = list.begin(); it != list.end(); ++it) {
    if ((*it)["path"] == d.path) {
      list.erase(it);
      break;
    }
  }
  list.push_back(nodeJson(d));
  if (withRule) section.cgroupRules.push_back(allowRule(d));
}

bool isAbsolute(const std::string& p) { return !p.empty() && p.front() == '/'; }

struct DeviceSpec {
  std::string host, container, access;
};

// crio.conf's "host[:container][:perms]".
DeviceSpec parseAdditionalDevice(const std::string& spec) {
  std::vector<std::string> parts;
  std::size_t pos = 0;
  for (;;) {
    const auto colon = spec.find(':', pos);
    parts.push_back(spec.substr(pos, colon - pos));
    if (colon == std::string::npos) break;
    pos = colon + 1;
  }
  DeviceSpec d{parts[0], parts[0], "rwm"};
  if (parts.size() == 2) {
    (isAbsolute(parts[1]) ? d.container : d.access) = parts[1];
  } else if (parts.size() == 3) {
    d.container = parts[1];
    d.access = parts[2];
  } else if (parts.size() > 3) {
    throw Error::failedPrecondition("crio.runtime.additional_devices entry \"" + spec +
                                    "\" has too many ':'-separated fields");
  }
  return d;
}

}  // namespace

std::optional<DeviceNode> deviceFromPath(const std::string& hostPath,
                                         const std::string& containerPath,
                                         const std::string& access) {
  struct stat st {};
  if (::stat(hostPath.c_str(), &st) != 0) {
    throw Error::invalidArgument("device " + hostPath + " cannot be used: " + std::strerror(errno));
  }
  return nodeFromStat(st, containerPath, checkedAccess(access, hostPath));
}

std::vector<DeviceNode> hostDevices(const std::string& devRoot) {
  namespace fs = std::filesystem;
  std::vector<DeviceNode> out;
  std::error_code ec;
  fs::recursive_directory_iterator it(devRoot, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename();
    if (it->is_directory(ec) && !it->is_symlink(ec)) {
      if (name == "pts" || name == "shm" || name == "fd" || name == "mqueue" || name == ".lxc" ||
          name == ".lxd-mounts" || name == ".udev") {
        it.disable_recursion_pending();
      }
      continue;
    }
    if (name == "console") continue;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0) continue;  // gone meanwhile
    const std::string inContainer = "/dev/" + it->path().lexically_relative(devRoot).string();
    auto node = nodeFromStat(st, inContainer, "rwm");
    if (!node || (node->major == 0 && node->minor == 0)) continue;
    out.push_back(*node);
  }
  return out;
}

DevicesSection devicesSection(const DeviceInputs& inputs,
                              const runtime::v1::ContainerConfig& config) {
  DevicesSection section;
  section.cgroupRules.push_back({{"allow", false}, {"access", "rwm"}});

  for (const auto& spec : inputs.additionalDevices) {
    const DeviceSpec d = parseAdditionalDevice(spec);
    std::optional<DeviceNode> node;
    try {
      node = deviceFromPath(d.host, d.container, d.access);
    } catch (const Error& e) {
      throw Error::failedPrecondition(std::string(e.what()) + " (crio.runtime.additional_devices)");
    }
    if (!node) {
      throw Error::failedPrecondition("crio.runtime.additional_devices entry " + d.host +
                                      " is not a device node");
    }
    addDevice(section, *node, true);
  }

  if (inputs.privileged) {
    if (!inputs.privilegedWithoutHostDevices) {
      for (const auto& node : hostDevices(inputs.devRoot)) addDevice(section, node, false);
    }
    section.cgroupRules = nlohmann::json::array({{{"allow", true}, {"access", "rwm"}}});
  }

  const auto& sc = config.linux().security_context();
  for (const auto& dev : config.devices()) {
    if (dev.host_path().empty()) throw Error::invalidArgument("a device has an empty host_path");
    const std::string containerPath =
        dev.container_path().empty() ? dev.host_path() : dev.container_path();
    if (!isAbsolute(containerPath)) {
      throw Error::invalidArgument("device container_path \"" + containerPath +
                                   "\" is not absolute");
    }
    const std::string access = checkedAccess(dev.permissions(), dev.host_path());
    if (inputs.privileged && containerPath != dev.host_path()) {
      // A privileged container already sees the host's /dev; a node placed
      // at a path that exists there would be hidden by the host's own.
      struct stat st {};
      if (::stat(containerPath.c_str(), &st) == 0) {
        throw Error::invalidArgument("privileged container asks for device " + dev.host_path() +
                                     " at " + containerPath + ", which exists on the host");
      }
    }
    char resolved[PATH_MAX];
    if (!::realpath(dev.host_path().c_str(), resolved)) {
      throw Error::invalidArgument("device " + dev.host_path() +
                                   " cannot be used: " + std::strerror(errno));
    }
    auto node = deviceFromPath(resolved, containerPath, access);
    if (node) {
      if (inputs.ownershipFromSecurityContext) {
        if (sc.has_run_as_user() && sc.run_as_user().value() > 0) {
          node->uid = static_cast<std::uint32_t>(sc.run_as_user().value());
        }
        if (sc.has_run_as_group() && sc.run_as_group().value() > 0) {
          node->gid = static_cast<std::uint32_t>(sc.run_as_group().value());
        }
      }
      addDevice(section, *node, !inputs.privileged);
      continue;
    }
    if (!std::filesystem::is_directory(resolved)) {
      throw Error::invalidArgument("device " + dev.host_path() +
                                   " is neither a device node nor a directory of them");
    }
    for (const auto& child : hostDevices(resolved)) {
      DeviceNode n = child;
      // hostDevices names nodes "/dev/<relative>"; re-root them at containerPath.
      n.path = containerPath + n.path.substr(4);
      n.access = access;
      addDevice(section, n, !inputs.privileged);
    }
  }
  return section;
}

}  // namespace crix::oci

#include "oci/MountPlanner.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <set>

#include "core/Directories.h"
#include "core/Error.h"
#include "core/Log.h"
#include "oci/MountInfo.h"

namespace crix::oci {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string cleanPath(const std::string& path) {
  std::string clean = fs::path(path).lexically_normal().string();
  while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
  return clean;
}

Json mount(const std::string& destination, const std::string& type, const std::string& source,
           std::vector<std::string> options) {
  return {{"destination", destination}, {"type", type}, {"source", source}, {"options", options}};
}

std::size_t depth(const Json& m) {
  const std::string dest = cleanPath(m["destination"].get<std::string>());
  return static_cast<std::size_t>(std::count(dest.begin(), dest.end(), '/'));
}

// The system mounts every container starts from (runtime-tools' defaults,
// which CRI-O builds on, plus the cgroup file system).
std::vector<Json> systemMounts(const PodContext& pod, bool privileged) {
  const std::string sysAccess = privileged ? "rw" : "ro";
  std::vector<Json> mounts = {
      mount("/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}),
      mount("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount("/dev/pts", "devpts", "devpts",
            {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
  };
  if (!pod.shmPath.empty()) {
    mounts.push_back(
        mount("/dev/shm", "bind", pod.shmPath, {"bind", "rw", "nosuid", "nodev", "noexec"}));
  } else {
    mounts.push_back(mount("/dev/shm", "tmpfs", "shm",
                           {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}));
  }
  mounts.push_back(mount("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}));
  mounts.push_back(mount("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", sysAccess}));
  mounts.push_back(mount("/sys/fs/cgroup", "cgroup", "cgroup",
                         {"nosuid", "noexec", "nodev", "relatime", sysAccess}));
  return mounts;
}

class CriMountConverter {
 public:
  CriMountConverter(const config::Config& cfg, const MountInputs& inputs)
      : cfg_(cfg), inputs_(inputs) {}

  Json convert(const runtime::v1::Mount& m, std::string& rootfsPropagation) {
    const std::string& dest = m.container_path();
    if (dest.empty()) throw Error::invalidArgument("a mount has an empty container_path");
    if (dest.front() != '/') {
      throw Error::invalidArgument("mount container_path \"" + dest + "\" is not absolute");
    }
    if (m.has_image() && !m.image().image().empty()) {
      throw Error::unimplemented("image volume mounts (" + dest +
                                 ") are not supported by crix yet");
    }
    if (!m.uidmappings().empty() || !m.gidmappings().empty()) {
      throw Error::unimplemented("ID-mapped mount " + dest +
                                 " is not supported: runc 1.1 cannot create ID-mapped mounts");
    }
    if (m.host_path().empty()) {
      throw Error::invalidArgument("mount " + dest + " has an empty host_path");
    }
    const std::string source = resolveSource(m.host_path());

    std::vector<std::string> options = {"rbind"};
    switch (m.propagation()) {
      case runtime::v1::PROPAGATION_PRIVATE:
        options.push_back("rprivate");
        break;
      case runtime::v1::PROPAGATION_HOST_TO_CONTAINER:
        requirePropagation(source, dest, false);
        options.push_back("rslave");
        if (rootfsPropagation != "rshared") rootfsPropagation = "rslave";
        break;
      case runtime::v1::PROPAGATION_BIDIRECTIONAL:
        requirePropagation(source, dest, true);
        options.push_back("rshared");
        rootfsPropagation = "rshared";
        break;
      default:
        log::warn("unknown propagation ", m.propagation(), " for mount ", dest, "; using private");
        options.push_back("rprivate");
    }

    if (m.recursive_read_only()) {
      if (!m.readonly()) {
        throw Error::invalidArgument("mount " + dest + ": recursive_read_only needs readonly");
      }
      if (m.propagation() != runtime::v1::PROPAGATION_PRIVATE) {
        throw Error::invalidArgument("mount " + dest +
                                     ": recursive_read_only needs PROPAGATION_PRIVATE");
      }
      options.push_back("rro");
    } else {
      options.push_back(m.readonly() ? "ro" : "rw");
    }
    return mount(dest, "bind", source, options);
  }

 private:
  std::string resolveSource(const std::string& hostPath) {
    std::string source = hostPath;
    if (!cfg_.runtime.bind_mount_prefix.empty()) {
      source = cfg_.runtime.bind_mount_prefix + "/" + hostPath;
    }
    source = cleanPath(source);
    struct stat st {};
    if (::lstat(source.c_str(), &st) != 0) {
      if (errno != ENOENT) {
        throw Error::invalidArgument("mount source " + source + ": " + std::strerror(errno));
      }
      for (const auto& reject : cfg_.runtime.absent_mount_sources_to_reject) {
        if (cleanPath(reject) == source) {
          throw Error::invalidArgument(
              "cannot mount " + source +
              ": it does not exist, and crio.runtime.absent_mount_sources_to_reject forbids "
              "creating it as a directory");
        }
      }
      makeDirectories(source);
    }
    char resolved[PATH_MAX];
    if (!::realpath(source.c_str(), resolved)) {
      throw Error::invalidArgument(
          "mount source " + source +
          " cannot be resolved (a symlink to a missing path?): " + std::strerror(errno));
    }
    return resolved;
  }

  void requirePropagation(const std::string& source, const std::string& dest, bool needShared) {
    if (!mounts_) {
      mounts_ = parseMountInfo(inputs_.readMountInfo ? inputs_.readMountInfo() : std::string());
    }
    const MountInfoEntry* entry = mountContaining(*mounts_, source);
    const bool ok = entry && (entry->shared() || (!needShared && entry->slave()));
    if (!ok) {
      throw Error::failedPrecondition(
          "mount " + dest + " asks for " +
          (needShared ? "bidirectional propagation, but its source " + source + " is on mount " +
                            (entry ? entry->mountPoint : std::string("?")) + ", which is not shared"
                      : "host-to-container propagation, but its source " + source +
                            " is on mount " + (entry ? entry->mountPoint : std::string("?")) +
                            ", which is neither shared nor a slave") +
          " (make it so with mount --make-rshared)");
    }
  }

  const config::Config& cfg_;
  const MountInputs& inputs_;
  std::optional<std::vector<MountInfoEntry>> mounts_;
};

}  // namespace

MountPlan planMounts(const config::Config& cfg, const PodContext& pod, const ContainerContext& ctr,
                     const MountInputs& inputs) {
  MountPlan plan;
  CriMountConverter converter(cfg, inputs);

  std::vector<Json> volumeMounts;
  std::set<std::string> criDestinations;
  for (const auto& m : ctr.config.mounts()) {
    volumeMounts.push_back(converter.convert(m, plan.rootfsPropagation));
    criDestinations.insert(cleanPath(m.container_path()));
  }
  const auto overridden = [&](const std::string& dest) {
    const std::string clean = cleanPath(dest);
    if (criDestinations.contains(clean)) return true;
    if (criDestinations.contains("/dev") && clean.starts_with("/dev/")) return true;
    if (criDestinations.contains("/sys") && clean.starts_with("/sys/")) return true;
    return false;
  };

  for (auto& m : systemMounts(pod, inputs.privileged)) {
    if (!overridden(m["destination"])) plan.mounts.push_back(std::move(m));
  }
  if (cfg.runtime.read_only) {
    // A read-only node still lets programs write scratch files, in memory.
    for (const auto& [dest, mode] : {std::pair{"/run", "mode=0755"}, std::pair{"/tmp", "mode=1777"},
                                     std::pair{"/var/tmp", "mode=1777"}}) {
      if (overridden(dest)) continue;
      plan.mounts.push_back(
          mount(dest, "tmpfs", "tmpfs", {"rw", "noexec", "nosuid", "nodev", "tmpcopyup", mode}));
    }
  }

  const std::string etcAccess = inputs.readonlyRootfs ? "ro" : "rw";
  if (!pod.resolvConfPath.empty() && !overridden("/etc/resolv.conf")) {
    plan.mounts.push_back(mount("/etc/resolv.conf", "bind", pod.resolvConfPath,
                                {"bind", "nodev", "nosuid", "noexec", etcAccess}));
  }
  if (!pod.hostnamePath.empty() && !overridden("/etc/hostname")) {
    plan.mounts.push_back(mount("/etc/hostname", "bind", pod.hostnamePath, {"bind", etcAccess}));
  }
  const std::string hosts = !pod.hostsPath.empty() ? pod.hostsPath
                            : pod.hostNetwork      ? std::string("/etc/hosts")
                                                   : std::string();
  if (!hosts.empty() && !overridden("/etc/hosts")) {
    plan.mounts.push_back(mount("/etc/hosts", "bind", hosts, {"bind", etcAccess}));
  }

  const std::string& mode = cfg.image.image_volumes;
  int bindIndex = 0;
  for (const auto& dest : ctr.image.config.volumes) {
    if (dest.empty() || dest.front() != '/') {
      log::warn("image of container ", ctr.containerId, " declares volume \"", dest,
                "\", which is not an absolute path; ignoring it");
      continue;
    }
    if (mode == "mkdir" || mode.empty()) {
      makeDirectoriesInRoot(ctr.rootfsPath, dest, 0755, inputs.volumeOwner);
    } else if (mode == "bind") {
      if (overridden(dest)) continue;
      if (ctr.runDir.empty()) {
        throw Error::failedPrecondition(
            "image_volumes = \"bind\" needs the container's run directory");
      }
      const std::string source = ctr.runDir + "/mounts/volume-" + std::to_string(bindIndex++);
      makeDirectories(source);
      volumeMounts.push_back(mount(dest, "bind", source, {"rbind", "rprivate", "rw"}));
    } else if (mode != "ignore") {
      throw Error::failedPrecondition("crio.image.image_volumes \"" + mode +
                                      "\" is not mkdir, bind or ignore");
    }
  }

  std::stable_sort(volumeMounts.begin(), volumeMounts.end(),
                   [](const Json& a, const Json& b) { return depth(a) < depth(b); });
  for (auto& m : volumeMounts) plan.mounts.push_back(std::move(m));
  return plan;
}

}  // namespace crix::oci

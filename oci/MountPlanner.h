// The container's mounts: the system file systems every container gets, the
// pod's /etc files and /dev/shm, the CRI volume mounts and the image's
// declared volumes. Planning has side effects on the host, as in CRI-O:
// missing host directories of CRI mounts are created, and so are the image
// volumes' directories in the rootfs (image_volumes = "mkdir").
#pragma once

#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "config/Config.h"
#include "oci/RootfsAccess.h"
#include "oci/SpecContext.h"

namespace crix::oci {

struct MountInputs {
  bool privileged = false;
  bool readonlyRootfs = false;
  // Owner of directories created for image volumes: the container's user.
  Ownership volumeOwner;
  // Reads /proc/self/mountinfo; only called for propagation checks.
  std::function<std::string()> readMountInfo;
};

struct MountPlan {
  nlohmann::json mounts = nlohmann::json::array();
  // linux.rootfsPropagation, "" to leave runc's default.
  std::string rootfsPropagation;
};

// In order: /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys,
// /sys/fs/cgroup (the last two read-only unless privileged); tmpfs /run,
// /tmp and /var/tmp when crio.conf read_only is set; the pod's
// /etc/resolv.conf, /etc/hostname and /etc/hosts; then the CRI mounts and
// image volume binds, shallowest destination first so that a mount never
// hides one inside it. A CRI mount replaces a default with the same
// destination, and a CRI /dev or /sys replaces every default below it.
//
// CRI mounts, as CRI-O treats them: the host path (after crio.conf
// bind_mount_prefix) is created as a directory when missing, unless listed
// in absent_mount_sources_to_reject; symlinks in it are resolved. Propagation
// PRIVATE is rprivate, HOST_TO_CONTAINER rslave (the source must be on a
// shared or slave mount) and BIDIRECTIONAL rshared (the source must be on a
// shared mount); the rootfs propagation is raised to rslave or rshared to
// match. selinux_relabel is ignored: crix does not label. Image mounts and
// ID-mapped mounts are Unimplemented (runc 1.1 has no idmap mounts).
MountPlan planMounts(const config::Config& cfg, const PodContext& pod, const ContainerContext& ctr,
                     const MountInputs& inputs);

}  // namespace crix::oci

#include "oci/SystemPaths.h"

namespace crix::oci {

const std::vector<std::string>& defaultMaskedPaths() {
  static const std::vector<std::string> paths = {
      "/proc/acpi",        "/proc/kcore",
      "/proc/keys",        "/proc/latency_stats",
      "/proc/sched_debug", "/proc/scsi",
      "/proc/timer_list",  "/proc/timer_stats",
      "/sys/dev/block",    "/sys/devices/virtual/powercap",
      "/sys/firmware",     "/sys/fs/selinux",
  };
  return paths;
}

const std::vector<std::string>& defaultReadonlyPaths() {
  static const std::vector<std::string> paths = {
      "/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
  };
  return paths;
}

SystemPaths systemPaths(const runtime::v1::LinuxContainerSecurityContext& sc, bool privileged) {
  if (privileged) return {};
  SystemPaths paths{defaultMaskedPaths(), defaultReadonlyPaths()};
  if (!sc.masked_paths().empty()) {
    paths.masked.assign(sc.masked_paths().begin(), sc.masked_paths().end());
  }
  if (!sc.readonly_paths().empty()) {
    paths.readonly.assign(sc.readonly_paths().begin(), sc.readonly_paths().end());
  }
  return paths;
}

}  // namespace crix::oci

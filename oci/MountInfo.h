// /proc/self/mountinfo, to learn how a host path's mount propagates.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace crix::oci {

struct MountInfoEntry {
  std::string mountPoint;
  // The optional fields: "shared:N", "master:N", "propagate_from:N", ...
  std::vector<std::string> optionalFields;

  bool shared() const;
  bool slave() const;
};

std::vector<MountInfoEntry> parseMountInfo(std::string_view text);

// The mount `path` lives on: the entry with the longest mount point that is
// `path` or one of its parents; of equal ones the last (the one on top).
// nullptr if none matches (not even "/").
const MountInfoEntry* mountContaining(const std::vector<MountInfoEntry>& mounts,
                                      const std::string& path);

}  // namespace crix::oci

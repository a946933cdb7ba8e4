// /etc/passwd and /etc/group of a container image, parsed the way runc's
// libcontainer/user reads them: colon-separated fields, '#' comment lines and
// malformed lines skipped, numeric IDs required where IDs belong.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace crix::oci {

struct PasswdEntry {
  std::string name;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  gid_t gid = 0;
  std::vector<std::string> members;
};

std::vector<PasswdEntry> parsePasswd(std::string_view text);
std::vector<GroupEntry> parseGroup(std::string_view text);

// A decimal ID in [0, 2^32-2]; 2^32-1 is (uid_t)-1, "no change", to the kernel.
std::optional<std::uint32_t> parseId(std::string_view text);

}  // namespace crix::oci

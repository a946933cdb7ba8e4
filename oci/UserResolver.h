// Who the container's first process runs as: uid, gid and supplementary
// groups, resolved against the image's own /etc/passwd and /etc/group.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "cri/api/Cri.h"
#include "oci/UserDatabase.h"

namespace crix::oci {

struct ProcessUser {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> additionalGids;
};

// Resolves OCI image-spec user strings ("name", "uid", "uid:gid",
// "name:group", "uid:group", "name:gid"; "" is root) the way runc's
// libcontainer/user does:
//   - a numeric user need not exist in /etc/passwd; when it does, its entry
//     supplies the primary group, else the group is 0;
//   - a user name must exist (InvalidArgument naming it otherwise);
//   - a numeric group is taken as is, a group name must exist in /etc/group;
//   - without an explicit group, the groups listing the user's name as a
//     member become supplementary groups.
// The files are read beneath `rootfs` only (see RootfsAccess.h).
class UserResolver {
 public:
  explicit UserResolver(std::string rootfs) : rootfs_(std::move(rootfs)) {}

  ProcessUser resolve(const std::string& userSpec);

 private:
  const std::vector<PasswdEntry>& passwd();
  const std::vector<GroupEntry>& group();

  std::string rootfs_;
  std::optional<std::vector<PasswdEntry>> passwd_;
  std::optional<std::vector<GroupEntry>> group_;
  bool hasPasswd_ = false;
  bool hasGroup_ = false;
};

// CRI-O's choice of user string: run_as_username, else run_as_user, else the
// image's User.
std::string containerUserSpec(const runtime::v1::LinuxContainerSecurityContext& sc,
                              const std::string& imageUser);

// The full rule for a container: the user string above resolved in
// `rootfs`, run_as_group replacing the primary group, and additional GIDs =
// primary group, then (SupplementalGroupsPolicy Merge) the image's group
// memberships, then supplemental_groups; Strict skips the memberships.
// run_as_group without a user is InvalidArgument, as in CRI-O and containerd.
ProcessUser resolveProcessUser(const std::string& rootfs,
                               const runtime::v1::LinuxContainerSecurityContext& sc,
                               const std::string& imageUser);

}  // namespace crix::oci

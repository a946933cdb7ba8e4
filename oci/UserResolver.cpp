#include "oci/UserResolver.h"

#include <algorithm>

#include "core/Error.h"
#include "oci/RootfsAccess.h"

namespace crix::oci {
namespace {

void appendUnique(std::vector<gid_t>& list, gid_t gid) {
  if (std::find(list.begin(), list.end(), gid) == list.end()) list.push_back(gid);
}

gid_t requestedId(std::int64_t value, const char* field) {
  if (value < 0 || value > 0xfffffffeLL) {
    throw Error::invalidArgument(std::string(field) + " " + std::to_string(value) +
                                 " is not a valid ID (0 to 4294967294)");
  }
  return static_cast<gid_t>(value);
}

}  // namespace

const std::vector<PasswdEntry>& UserResolver::passwd() {
  if (!passwd_) {
    const auto text = readFileInRoot(rootfs_, "/etc/passwd");
    hasPasswd_ = text.has_value();
    passwd_ = parsePasswd(text.value_or(""));
  }
  return *passwd_;
}

const std::vector<GroupEntry>& UserResolver::group() {
  if (!group_) {
    const auto text = readFileInRoot(rootfs_, "/etc/group");
    hasGroup_ = text.has_value();
    group_ = parseGroup(text.value_or(""));
  }
  return *group_;
}

ProcessUser UserResolver::resolve(const std::string& userSpec) {
  const auto colon = userSpec.find(':');
  std::string userPart = userSpec.substr(0, colon);
  const std::string groupPart = colon == std::string::npos ? "" : userSpec.substr(colon + 1);
  if (userPart.empty()) userPart = "0";

  ProcessUser user;
  std::string matchedName;
  if (const auto uid = parseId(userPart)) {
    user.uid = *uid;
    const auto& entries = passwd();
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const PasswdEntry& e) { return e.uid == *uid; });
    if (it != entries.end()) {
      user.gid = it->gid;
      matchedName = it->name;
    }
  } else {
    const auto& entries = passwd();
    const auto it = std::find_if(entries.begin(), entries.end(),
                                 [&](const PasswdEntry& e) { return e.name == userPart; });
    if (it == entries.end()) {
      throw Error::invalidArgument(
          hasPasswd_ ? "user \"" + userPart + "\" is not in the image's /etc/passwd"
                     : "cannot run as user \"" + userPart +
                           "\": the image has no /etc/passwd to look the name up in");
    }
    user.uid = it->uid;
    user.gid = it->gid;
    matchedName = it->name;
  }

  if (!groupPart.empty()) {
    if (const auto gid = parseId(groupPart)) {
      user.gid = *gid;
    } else {
      const auto& entries = group();
      const auto it = std::find_if(entries.begin(), entries.end(),
                                   [&](const GroupEntry& g) { return g.name == groupPart; });
      if (it == entries.end()) {
        throw Error::invalidArgument(
            hasGroup_ ? "group \"" + groupPart + "\" is not in the image's /etc/group"
                      : "cannot run with group \"" + groupPart +
                            "\": the image has no /etc/group to look the name up in");
      }
      user.gid = it->gid;
    }
  } else if (!matchedName.empty()) {
    for (const auto& g : group()) {
      if (std::find(g.members.begin(), g.members.end(), matchedName) != g.members.end()) {
        appendUnique(user.additionalGids, g.gid);
      }
    }
  }
  return user;
}

std::string containerUserSpec(const runtime::v1::LinuxContainerSecurityContext& sc,
                              const std::string& imageUser) {
  if (!sc.run_as_username().empty()) return sc.run_as_username();
  if (sc.has_run_as_user()) {
    return std::to_string(requestedId(sc.run_as_user().value(), "run_as_user"));
  }
  return imageUser;
}

ProcessUser resolveProcessUser(const std::string& rootfs,
                               const runtime::v1::LinuxContainerSecurityContext& sc,
                               const std::string& imageUser) {
  if (sc.has_run_as_group() && !sc.has_run_as_user() && sc.run_as_username().empty()) {
    throw Error::invalidArgument("run_as_group is set without run_as_user or run_as_username");
  }
  UserResolver resolver(rootfs);
  const ProcessUser found = resolver.resolve(containerUserSpec(sc, imageUser));

  ProcessUser user;
  user.uid = found.uid;
  user.gid =
      sc.has_run_as_group() ? requestedId(sc.run_as_group().value(), "run_as_group") : found.gid;
  appendUnique(user.additionalGids, user.gid);
  const auto policy = sc.supplemental_groups_policy();
  if (policy != runtime::v1::Merge && policy != runtime::v1::Strict) {
    throw Error::invalidArgument("unknown supplemental_groups_policy " + std::to_string(policy));
  }
  if (policy == runtime::v1::Merge) {
    for (const auto gid : found.additionalGids) appendUnique(user.additionalGids, gid);
  }
  for (const auto gid : sc.supplemental_groups()) {
    appendUnique(user.additionalGids, requestedId(gid, "supplemental group"));
  }
  return user;
}

}  // namespace crix::oci

#include "storage/layer/NodeAttributes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <string_view>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/layer/EntryPath.h"

namespace crix::layer {

namespace {

bool startsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// overlayfs reads its own metadata from these namespaces; one smuggled in by
// a layer (a redirect or metacopy) could make the mount serve data from
// another layer or path. Overlay metadata comes only from whiteout conversion.
bool isOverlayMetadata(std::string_view name) {
  return startsWith(name, "trusted.overlay.") || startsWith(name, "user.overlay.");
}

// "/proc/self/fd/<parent>/<name>": resolves the parent through its fd, so the
// only name looked up is the last one, which the l*xattr call does not follow.
std::string pathThroughParent(const NodeRef& node) {
  return "/proc/self/fd/" + std::to_string(node.parentFd) + "/" + node.name;
}

}  // namespace

void setOwner(const NodeRef& node, const LayerEntry& entry) {
  const int rc = node.fd >= 0
                     ? ::fchown(node.fd, entry.uid, entry.gid)
                     : ::fchownat(node.parentFd, node.name, entry.uid, entry.gid, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) throw Error::fromErrno(describeEntry(entry.name) + ": chown", errno);
}

void setMode(const NodeRef& node, const LayerEntry& entry, mode_t mode) {
  // glibc implements AT_SYMLINK_NOFOLLOW with fchmodat2 or an O_PATH fd and
  // refuses symlinks, which is exactly the guarantee wanted here.
  const int rc = node.fd >= 0 ? ::fchmod(node.fd, mode)
                              : ::fchmodat(node.parentFd, node.name, mode, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) throw Error::fromErrno(describeEntry(entry.name) + ": chmod", errno);
}

void setXattrs(const NodeRef& node, const LayerEntry& entry) {
  if (entry.xattrs.empty()) return;
  std::string viaParent;
  if (node.fd < 0) viaParent = pathThroughParent(node);
  for (const auto& [name, value] : entry.xattrs) {
    if (isOverlayMetadata(name)) {
      log::warn(describeEntry(entry.name), ": ignoring overlay metadata xattr ", name);
      continue;
    }
    const int rc = node.fd >= 0 ? ::fsetxattr(node.fd, name.c_str(), value.data(), value.size(), 0)
                                : ::lsetxattr(viaParent.c_str(), name.c_str(), value.data(), value.size(), 0);
    if (rc == 0) continue;
    const int err = errno;
    const std::string what = describeEntry(entry.name) + ": set xattr " + name;
    if (err == ENOTSUP && name != "security.capability") {
      // As Docker does: a filesystem without some xattr namespace still gets
      // the image, minus that metadata. File capabilities are different: the
      // binaries that carry them do not work without them.
      log::warn(what, ": not supported by the layer filesystem; skipped");
      continue;
    }
    if (err == ENOTSUP) throw Error::failedPrecondition(what + ": the layer filesystem does not support it");
    if (err == EINVAL) throw Error::invalidArgument(what + ": invalid value");
    throw Error::fromErrno(what, err);
  }
}

void setTimes(const NodeRef& node, const LayerEntry& entry, const timespec& atime, const timespec& mtime) {
  const timespec times[2] = {atime, mtime};
  const int rc = node.fd >= 0 ? ::futimens(node.fd, times)
                              : ::utimensat(node.parentFd, node.name, times, AT_SYMLINK_NOFOLLOW);
  if (rc != 0) throw Error::fromErrno(describeEntry(entry.name) + ": set times", errno);
}

}  // namespace crix::layer

// Reading and creating files beneath a container's root filesystem from the
// host. The rootfs belongs to the image author: any path component may be a
// symlink, and an absolute or "../" link must not lead to the host's own
// files. Links are resolved as if the rootfs were "/": reads go through
// openat2(RESOLVE_IN_ROOT), and directory creation walks the path itself
// with the same rules.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>

namespace crix::oci {

struct Ownership {
  uid_t uid = 0;
  gid_t gid = 0;
};

// The content of the regular file at `path` (absolute or relative, read as
// relative to `root`); nullopt when it does not exist. Throws
// FailedPrecondition for something that is not a regular file or is larger
// than `maxBytes`, Internal for other I/O failures.
std::optional<std::string> readFileInRoot(const std::string& root, const std::string& path,
                                          std::size_t maxBytes = 16 * 1024 * 1024);

// mkdir -p of `path` beneath `root` with `mode`; directories it creates (not
// ones that already exist) are chowned to `owner` when given. A symlink on
// the way whose target is missing gets that target created, inside the
// rootfs. Throws FailedPrecondition when a component exists and is not a
// directory.
void makeDirectoriesInRoot(const std::string& root, const std::string& path, mode_t mode,
                           std::optional<Ownership> owner = std::nullopt);

}  // namespace crix::oci

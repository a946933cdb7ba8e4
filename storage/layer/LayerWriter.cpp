#include "storage/layer/LayerWriter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/layer/EntryPath.h"
#include "storage/layer/NodeAttributes.h"
#include "storage/layer/TreeRemover.h"
#include "storage/layer/Whiteout.h"

namespace crix::layer {

namespace {

Error failure(const LayerEntry& entry, const std::string& what, int err) {
  return Error::fromErrno(describeEntry(entry.name) + ": " + what, err);
}

// Runs `create` (a syscall returning 0 or -1/errno); if the name is taken,
// clears it and tries once more, as a replacing entry should.
template <class Create, class Clear>
void createReplacing(Create create, Clear clear, const LayerEntry& entry, const char* what) {
  if (create() == 0) return;
  if (errno != EEXIST) throw failure(entry, what, errno);
  clear();
  if (create() != 0) throw failure(entry, what, errno);
}

void writeAll(int fd, std::span<const std::byte> block, int64_t offset, const LayerEntry& entry) {
  while (!block.empty()) {
    const ssize_t n = ::pwrite(fd, block.data(), block.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw failure(entry, "write", errno);
    }
    block = block.subspan(static_cast<size_t>(n));
    offset += n;
  }
}

}  // namespace

LayerWriter::LayerWriter(UniqueFd rootFd) : root_(std::move(rootFd)) {}

void LayerWriter::write(const LayerEntry& entry, EntryData& data) {
  const std::string subject = describeEntry(entry.name);
  const std::string path = cleanEntryPath(entry.name, subject);
  if (path.empty()) {
    writeRoot(entry);
    return;
  }
  if (isInsideAufsMetadata(path)) {
    log::debug(describeEntry(entry.name), ": skipping aufs metadata");
    return;
  }
  auto [parent, base] = splitEntryPath(path);
  const Slot slot{root_.parentDir(parent, subject), path, base};

  const Whiteout whiteout = classifyWhiteout(base);
  switch (whiteout.kind) {
    case Whiteout::Kind::Opaque: markOpaque(Slot{slot.parentFd, parent, ""}, entry); return;
    case Whiteout::Kind::AufsMetadata:
      log::debug(describeEntry(entry.name), ": skipping aufs metadata");
      return;
    case Whiteout::Kind::Hide: writeWhiteout(slot, entry, whiteout.hidden); return;
    case Whiteout::Kind::None: break;
  }

  switch (entry.type) {
    case LayerEntry::Type::Directory: writeDirectory(slot, entry); break;
    case LayerEntry::Type::Regular: writeRegular(slot, entry, data); break;
    case LayerEntry::Type::Symlink: writeSymlink(slot, entry); break;
    case LayerEntry::Type::Hardlink: writeHardlink(slot, entry); break;
    case LayerEntry::Type::CharDevice:
    case LayerEntry::Type::BlockDevice:
    case LayerEntry::Type::Fifo: writeSpecial(slot, entry); break;
  }
}

void LayerWriter::clear(const Slot& slot) {
  struct stat st;
  if (::fstatat(slot.parentFd, slot.base.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    throw Error::fromErrno("layer: stat \"" + slot.path + "\"", errno);
  }
  if (S_ISDIR(st.st_mode)) {
    removeTreeAt(slot.parentFd, slot.base);
    root_.removed(slot.path);
    dirs_.erase(slot.path);
  } else if (::unlinkat(slot.parentFd, slot.base.c_str(), 0) != 0 && errno != ENOENT) {
    throw Error::fromErrno("layer: remove \"" + slot.path + "\"", errno);
  }
}

void LayerWriter::deferDirectory(const std::string& path, const LayerEntry& entry) {
  dirs_[path] = DeferredDir{entry.permissions, entry.atime, entry.mtime};
}

void LayerWriter::writeRoot(const LayerEntry& entry) {
  if (entry.type != LayerEntry::Type::Directory)
    throw Error::invalidArgument(describeEntry(entry.name) + ": the layer root can only be a directory");
  const NodeRef node{.fd = root_.fd()};
  setOwner(node, entry);
  setXattrs(node, entry);
  deferDirectory("", entry);
}

void LayerWriter::writeDirectory(const Slot& slot, const LayerEntry& entry) {
  const char* name = slot.base.c_str();
  if (::mkdirat(slot.parentFd, name, 0700) != 0) {
    if (errno != EEXIST) throw failure(entry, "mkdir", errno);
    struct stat st;
    // An existing directory is merged into: only its metadata changes.
    if (::fstatat(slot.parentFd, name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISDIR(st.st_mode)) {
      clear(slot);
      if (::mkdirat(slot.parentFd, name, 0700) != 0) throw failure(entry, "mkdir", errno);
    }
  }
  const int fd = ::openat(slot.parentFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) throw failure(entry, "open directory", errno);
  const UniqueFd dir(fd);
  const NodeRef node{.fd = fd};
  setOwner(node, entry);
  setXattrs(node, entry);
  deferDirectory(slot.path, entry);
}

void LayerWriter::writeRegular(const Slot& slot, const LayerEntry& entry, EntryData& data) {
  UniqueFd file;
  // O_EXCL | O_NOFOLLOW: never opens an existing node, least of all through a symlink.
  createReplacing(
      [&] {
        const int fd = ::openat(slot.parentFd, slot.base.c_str(),
                                O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) file.reset(fd);
        return fd >= 0 ? 0 : -1;
      },
      [&] { clear(slot); }, entry, "create file");

  int64_t end = 0;
  std::span<const std::byte> block;
  int64_t offset = 0;
  while (data.nextBlock(block, offset)) {
    writeAll(file.get(), block, offset, entry);
    end = std::max<int64_t>(end, offset + static_cast<int64_t>(block.size()));
  }
  // A sparse file's trailing hole has no data block to extend it.
  if (end < entry.size && ::ftruncate(file.get(), entry.size) != 0) throw failure(entry, "truncate", errno);

  const NodeRef node{.fd = file.get()};
  setOwner(node, entry);
  setMode(node, entry, entry.permissions);
  setXattrs(node, entry);
  setTimes(node, entry, entry.atime, entry.mtime);
}

void LayerWriter::writeSymlink(const Slot& slot, const LayerEntry& entry) {
  if (entry.linkTarget.empty())
    throw Error::invalidArgument(describeEntry(entry.name) + ": symlink with an empty target");
  createReplacing([&] { return ::symlinkat(entry.linkTarget.c_str(), slot.parentFd, slot.base.c_str()); },
                  [&] { clear(slot); }, entry, "symlink");
  const NodeRef node{.parentFd = slot.parentFd, .name = slot.base.c_str()};
  setOwner(node, entry);
  setXattrs(node, entry);
  setTimes(node, entry, entry.atime, entry.mtime);
}

void LayerWriter::writeHardlink(const Slot& slot, const LayerEntry& entry) {
  const std::string subject = describeEntry(entry.name) + ": hardlink target \"" + entry.linkTarget + "\"";
  const std::string target = cleanEntryPath(entry.linkTarget, subject);
  if (target.empty()) throw Error::invalidArgument(subject + " is the layer root");
  if (target == slot.path) return;  // a link to itself: nothing to do

  const auto [targetParent, targetBase] = splitEntryPath(target);
  const UniqueFd targetDir = root_.findDir(targetParent, subject);
  struct stat st;
  if (!targetDir || ::fstatat(targetDir.get(), targetBase.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
    throw Error::invalidArgument(subject + " does not exist in this layer");
  if (!S_ISREG(st.st_mode)) {
    throw Error::invalidArgument(subject +
                                 (S_ISLNK(st.st_mode) ? " is a symlink" : " is not a regular file") +
                                 "; hardlinks may only point to regular files of the layer");
  }
  // Without AT_SYMLINK_FOLLOW linkat links the name itself, never a symlink's target.
  createReplacing(
      [&] { return ::linkat(targetDir.get(), targetBase.c_str(), slot.parentFd, slot.base.c_str(), 0); },
      [&] { clear(slot); }, entry, "hardlink");
}

void LayerWriter::writeSpecial(const Slot& slot, const LayerEntry& entry) {
  mode_t type = S_IFIFO;
  dev_t device = 0;
  if (entry.type == LayerEntry::Type::CharDevice) type = S_IFCHR, device = entry.device;
  if (entry.type == LayerEntry::Type::BlockDevice) type = S_IFBLK, device = entry.device;
  createReplacing([&] { return ::mknodat(slot.parentFd, slot.base.c_str(), type | 0600, device); },
                  [&] { clear(slot); }, entry, "mknod");
  const NodeRef node{.parentFd = slot.parentFd, .name = slot.base.c_str()};
  setOwner(node, entry);
  setMode(node, entry, entry.permissions);
  setXattrs(node, entry);
  setTimes(node, entry, entry.atime, entry.mtime);
}

void LayerWriter::writeWhiteout(const Slot& slot, const LayerEntry& entry, const std::string& hidden) {
  if (hidden.empty() || hidden == "." || hidden == "..")
    throw Error::invalidArgument(describeEntry(entry.name) + ": invalid whiteout name");
  const auto slash = slot.path.rfind('/');
  const Slot target{slot.parentFd,
                    (slash == std::string::npos ? "" : slot.path.substr(0, slash + 1)) + hidden, hidden};
  const char* name = hidden.c_str();
  if (::mknodat(target.parentFd, name, S_IFCHR, makedev(0, 0)) != 0) {
    if (errno == EPERM)
      throw Error::failedPrecondition(
          describeEntry(entry.name) +
          ": cannot create the whiteout device node: needs CAP_MKNOD, and a layer filesystem "
          "that allows device nodes (ext4 or xfs; not overlayfs, not nodev user mounts)");
    if (errno != EEXIST) throw failure(entry, "mknod whiteout", errno);
    clear(target);
    if (::mknodat(target.parentFd, name, S_IFCHR, makedev(0, 0)) != 0)
      throw failure(entry, "mknod whiteout", errno);
  }
  setOwner(NodeRef{.parentFd = target.parentFd, .name = name}, entry);
}

void LayerWriter::markOpaque(const Slot& slot, const LayerEntry& entry) {
  // The directory's own entry may come later; LayerRoot made it if needed.
  const int fd = ::openat(slot.parentFd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw failure(entry, "open directory", errno);
  const UniqueFd dir(fd);
  if (::fsetxattr(fd, kOverlayOpaqueXattr, "y", 1, 0) != 0) {
    const int err = errno;
    if (err == ENOTSUP || err == EPERM) {
      throw Error::failedPrecondition(
          describeEntry(entry.name) + ": cannot set " + kOverlayOpaqueXattr + " on \"" + slot.path + "\" (" +
          std::strerror(err) +
          "): layers must live on a filesystem with trusted.* xattrs, such as ext4 or xfs, "
          "and crix needs CAP_SYS_ADMIN");
    }
    throw failure(entry, std::string("set ") + kOverlayOpaqueXattr, err);
  }
}

void LayerWriter::finish() {
  // Reverse order visits "a/b" before "a", so a parent made read-only cannot
  // block reaching its children.
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    const auto& [path, dir] = *it;
    const int fd = root_.openBeneath(path, O_RDONLY | O_DIRECTORY);
    // Gone, or no longer a directory: a later entry replaced it.
    if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP) continue;
    if (fd < 0) throw Error::fromErrno("layer: open directory \"" + path + "\"", -fd);
    const UniqueFd guard(fd);
    LayerEntry entry;
    entry.name = path.empty() ? "/" : path;
    const NodeRef node{.fd = fd};
    setMode(node, entry, dir.mode);
    setTimes(node, entry, dir.atime, dir.mtime);
  }
  dirs_.clear();
}

}  // namespace crix::layer

#include "storage/layer/StagedLayer.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "core/Error.h"
#include "core/Log.h"
#include "storage/layer/TreeRemover.h"

namespace crix::layer {

namespace {

std::string parentOf(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// Makes a rename inside `dir` durable.
void syncDirectory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error::fromErrno("open " + dir, errno);
  const UniqueFd guard(fd);
  if (::fsync(fd) != 0) throw Error::fromErrno("fsync " + dir, errno);
}

}  // namespace

StagedLayer StagedLayer::create(const std::string& parentDir) {
  std::string pattern = parentDir + "/.tmp-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw Error::fromErrno("create staging directory in " + parentDir, errno);
  StagedLayer staged(std::move(pattern));
  if (::chmod(staged.path_.c_str(), 0755) != 0) throw Error::fromErrno("chmod " + staged.path_, errno);
  return staged;
}

StagedLayer::StagedLayer(StagedLayer&& other) noexcept : path_(std::exchange(other.path_, {})) {}

StagedLayer& StagedLayer::operator=(StagedLayer&& other) noexcept {
  if (this != &other) {
    try {
      discard();
    } catch (const Error& e) {
      log::error("cannot remove staging directory: ", e.what());
    }
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

StagedLayer::~StagedLayer() {
  try {
    discard();
  } catch (const std::exception& e) {
    log::error("cannot remove staging directory ", path_, ": ", e.what());
  }
}

UniqueFd StagedLayer::openDir() const {
  if (path_.empty()) throw Error::failedPrecondition("staged layer already committed or discarded");
  const int fd = ::open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) throw Error::fromErrno("open " + path_, errno);
  return UniqueFd(fd);
}

void StagedLayer::commit(const std::string& finalPath) {
  {
    const UniqueFd dir = openDir();
    // One syncfs flushes every file of the layer at once, far cheaper than an
    // fsync per file; the layer must be on disk before its name says it is.
    if (::syncfs(dir.get()) != 0) throw Error::fromErrno("syncfs " + path_, errno);
  }
  if (::renameat2(AT_FDCWD, path_.c_str(), AT_FDCWD, finalPath.c_str(), RENAME_NOREPLACE) != 0) {
    if (errno == EEXIST) throw Error::alreadyExists("layer directory " + finalPath + " already exists");
    throw Error::fromErrno("rename " + path_ + " to " + finalPath, errno);
  }
  path_.clear();
  syncDirectory(parentOf(finalPath));
}

void StagedLayer::discard() {
  if (path_.empty()) return;
  const std::string path = std::exchange(path_, {});
  removeTree(path);
}

}  // namespace crix::layer

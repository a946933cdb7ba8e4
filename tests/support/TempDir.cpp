#include "tests/support/TempDir.h"

#include <stdlib.h>

#include <filesystem>
#include <stdexcept>

#include "tests/support/Subprocess.h"

namespace crix::test {

namespace fs = std::filesystem;

namespace {

// Layer tests leave read-only directories behind, as images do; without
// CAP_DAC_OVERRIDE their entries cannot be unlinked until the owner may write.
// Symlinks are never followed: a hostile layer may point them anywhere.
void makeDirectoriesWritable(const fs::path& dir) {
  std::error_code ec;
  fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code statusError;
    if (it->symlink_status(statusError).type() == fs::file_type::directory) makeDirectoriesWritable(it->path());
  }
}

}  // namespace

// /tmp rather than $TMPDIR: daemon sockets live in here, and a unix socket
// path must stay short.
TempDir::TempDir(const std::string& prefix, const std::string& parent) {
  std::string pattern = parent + "/" + prefix + "-XXXXXX";
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  if (fs::remove_all(path_, ec) != static_cast<std::uintmax_t>(-1)) return;
  makeDirectoriesWritable(path_);
  fs::remove_all(path_, ec);
}

std::string TempDir::write(const std::string& relative, const std::string& content) const {
  const fs::path target = fs::path(path_) / relative;
  fs::create_directories(target.parent_path());
  writeFile(target, content);
  return target;
}

}  // namespace crix::test

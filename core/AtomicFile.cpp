#include "core/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix {

void syncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw Error::fromErrno("opening " + dir, errno);
  if (::fsync(fd.get()) != 0) throw Error::fromErrno("fsync " + dir, errno);
}

void writeFileAtomically(const std::string& path, std::string_view content, unsigned mode) {
  const std::string dir = std::filesystem::path(path).parent_path();
  std::string tmp = path + ".tmp-XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd) throw Error::fromErrno("creating a temporary file for " + path, errno);
  try {
    size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw Error::fromErrno("writing " + tmp, errno);
      }
      done += static_cast<size_t>(n);
    }
    if (::fchmod(fd.get(), mode) != 0) throw Error::fromErrno("chmod " + tmp, errno);
    if (::fsync(fd.get()) != 0) throw Error::fromErrno("fsync " + tmp, errno);
    fd.reset();
    if (::rename(tmp.c_str(), path.c_str()) != 0) throw Error::fromErrno("renaming " + tmp + " to " + path, errno);
  } catch (...) {
    ::unlink(tmp.c_str());
    throw;
  }
  syncDirectory(dir);
}

std::string readWholeFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) throw Error::notFound(path + " does not exist");
    throw Error::fromErrno("opening " + path, errno);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw Error::fromErrno("reading " + path, errno);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace crix

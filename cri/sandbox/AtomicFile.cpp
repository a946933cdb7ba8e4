#include "cri/sandbox/AtomicFile.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "core/Error.h"
#include "core/UniqueFd.h"

namespace crix::sandbox {

void writeFileAtomically(const std::string& path, std::string_view content, mode_t mode) {
  std::string tmp = path + ".XXXXXX";
  UniqueFd fd(::mkostemp(tmp.data(), O_CLOEXEC));
  if (!fd) throw Error::fromErrno("create a temporary file for " + path, errno);
  auto fail = [&](const std::string& what) {
    const int err = errno;
    ::unlink(tmp.c_str());
    throw Error::fromErrno(what, err);
  };
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd.get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("write " + tmp);
    done += static_cast<size_t>(n);
  }
  // mkostemp creates 0600; containers running as any user read these files.
  if (::fchmod(fd.get(), mode) != 0) fail("chmod " + tmp);
  if (::fsync(fd.get()) != 0) fail("fsync " + tmp);
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) fail("rename " + tmp + " to " + path);
}

}  // namespace crix::sandbox

#include "conmon/Reports.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "conmon/Diag.h"
#include "conmon/Failure.h"
#include "conmon/JsonLine.h"

namespace crix::conmon {
namespace {

bool writeAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

}  // namespace

void SyncChannel::reportPid(pid_t pid) { send(JsonLine().addInt("pid", pid).text()); }

void SyncChannel::reportError(std::string_view message) { send(JsonLine().addString("error", message).text()); }

void SyncChannel::send(const std::string& line) {
  if (!fd_) return;
  if (!writeAll(fd_.get(), line)) diag::warn("cannot write to the sync fd: ", diag::errnoText(errno));
  // Closed right away: the daemon reading to end of file gets exactly one line,
  // and end of file without a line means crix-conmon died.
  fd_.reset();
}

void reportFailureInExitFile(const std::string& path, std::string_view message) {
  if (path.empty()) return;
  try {
    writeFileAtomically(path, JsonLine().addInt("exit_code", -1).addString("error", message).text());
  } catch (const Error& e) {
    diag::error(e.what());
  }
}

void writeFileAtomically(const std::string& path, std::string_view content) {
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) failErrno("create " + tmp);
  if (!writeAll(fd.get(), content) || ::fsync(fd.get()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    failErrno("write " + tmp, err);
  }
  fd.reset();
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    failErrno("rename " + tmp + " to " + path, err);
  }
  // The rename itself must survive a crash too.
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  UniqueFd dirFd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dirFd) ::fsync(dirFd.get());
}

}  // namespace crix::conmon

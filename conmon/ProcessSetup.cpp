#include "conmon/ProcessSetup.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "conmon/Diag.h"
#include "conmon/Failure.h"

namespace crix::conmon {
namespace {

char originalOomScore[16];
ssize_t originalOomScoreLen = -1;  // -1: unchanged, nothing to restore

}  // namespace

void ensureStdioOpen() {
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free fd, which is `fd` itself.
    const int opened = ::open("/dev/null", O_RDWR);
    if (opened != fd) failErrno("open /dev/null for stdio");
  }
}

void closeInheritedFdsOnExec() {
  if (::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
  // Kernels before 5.11: mark them one by one.
  const long max = ::sysconf(_SC_OPEN_MAX);
  for (int fd = 3; fd < max; ++fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

void becomeSubreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) failErrno("prctl(PR_SET_CHILD_SUBREAPER)");
}

void shieldFromOomKiller() {
  const int fd = ::open("/proc/self/oom_score_adj", O_RDWR | O_CLOEXEC);
  if (fd < 0) return;
  const ssize_t len = ::read(fd, originalOomScore, sizeof originalOomScore);
  if (len > 0 && ::pwrite(fd, "-999", 4, 0) == 4) {
    originalOomScoreLen = len;
  } else {
    diag::debug("cannot lower oom_score_adj: ", diag::errnoText(errno));
  }
  ::close(fd);
}

void restoreOomScoreInChild() {
  if (originalOomScoreLen < 0) return;
  const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  [[maybe_unused]] ssize_t ignored = ::write(fd, originalOomScore, static_cast<size_t>(originalOomScoreLen));
  ::close(fd);
}

}  // namespace crix::conmon

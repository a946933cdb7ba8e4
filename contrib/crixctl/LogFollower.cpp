#include "contrib/crixctl/LogFollower.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "core/Error.h"

namespace crixctl {
namespace {

// An open log file and the text read from it that does not end in a
// newline yet (the writer may be mid-line).
class LogFile {
 public:
  explicit LogFile(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) throw crix::Error::fromErrno("open log file " + path, errno);
  }
  ~LogFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  LogFile(const LogFile&) = delete;
  LogFile& operator=(const LogFile&) = delete;

  // Everything from the current position to the end of the file as it is now.
  std::string readAvailable() {
    std::string out;
    char buffer[65536];
    for (;;) {
      const ssize_t n = ::read(fd_, buffer, sizeof buffer);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw crix::Error::fromErrno("read log file", errno);
      }
      if (n == 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }

  // True when `path` now names another file (the log was rotated) or none.
  bool replacedAt(const std::string& path) const {
    struct stat mine {}, named {};
    if (::fstat(fd_, &mine) != 0) return true;
    if (::stat(path.c_str(), &named) != 0) return true;
    return mine.st_ino != named.st_ino || mine.st_dev != named.st_dev;
  }

 private:
  int fd_;
};

// Feeds complete lines of `pending` to the printer; keeps the unfinished rest.
void feedLines(std::string& pending, CriLogPrinter& printer) {
  std::size_t start = 0;
  for (;;) {
    const auto nl = pending.find('\n', start);
    if (nl == std::string::npos) break;
    printer.line(std::string_view(pending).substr(start, nl + 1 - start));
    start = nl + 1;
  }
  pending.erase(0, start);
}

bool pathExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

}  // namespace

void readLogFile(const std::string& path, CriLogPrinter& printer, const LogReadOptions& options) {
  auto file = std::make_unique<LogFile>(path);
  std::string pending = file->readAvailable();
  pending.erase(0, tailStart(pending, options.tailLines));
  feedLines(pending, printer);
  if (!options.follow) {
    if (!pending.empty()) printer.line(pending);  // a last line without newline
    return;
  }

  using Clock = std::chrono::steady_clock;
  auto lastCheck = Clock::now() - options.checkInterval;
  bool stopping = false;
  for (;;) {
    std::string fresh = file->readAvailable();
    if (!fresh.empty()) {
      pending += fresh;
      feedLines(pending, printer);
      continue;
    }
    // The old file is drained: move on to the new one after a rotation.
    if (file->replacedAt(path) && pathExists(path)) {
      if (!pending.empty()) printer.line(pending);
      pending.clear();
      file = std::make_unique<LogFile>(path);
      continue;
    }
    if (stopping) break;
    if (options.stillRunning && Clock::now() - lastCheck >= options.checkInterval) {
      lastCheck = Clock::now();
      // One more pass after the container ended picks up its last words.
      if (!options.stillRunning()) stopping = true;
      continue;
    }
    std::this_thread::sleep_for(options.pollInterval);
  }
  if (!pending.empty()) printer.line(pending);
}

}  // namespace crixctl

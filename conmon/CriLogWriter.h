// The container log in the CRI format kubelet reads:
//   2026-11-27T13:54:59.123456789Z stdout F a whole line
//   2026-11-27T13:54:59.123456789Z stderr P the start of a longer one
// Every chunk read from the container is split at newlines; a piece that does
// not end in one (a line longer than a chunk, output that stops mid-line) is
// tagged P and continues in the next entry, as conmon writes it.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <string>

#include "conmon/Stream.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

class CriLogWriter {
 public:
  // Opens (creates, appends to) `path`. With sizeMax > 0, an entry that would
  // take the file past sizeMax bytes first truncates it (a new, empty file
  // takes its place) as conmon does: the log never grows past sizeMax.
  CriLogWriter(std::string path, int64_t sizeMax);

  void write(Stream stream, const char* data, size_t size);
  // A new file at the path (ReopenContainerLog: the daemon has moved the old
  // one away). Keeps the old file when the new one cannot be opened, and
  // returns that errno; 0 when the new file is open.
  int reopen();
  void sync();

 private:
  void append(const char* data, size_t size);
  void flush();
  void truncate();
  void warnOnce(const char* what, int err);

  std::string path_;
  int64_t sizeMax_;
  int64_t size_ = 0;  // bytes in the current file
  UniqueFd fd_;
  iovec iov_[64];
  int iovCount_ = 0;
  bool failing_ = false;  // a write failed; warned once until one succeeds
};

}  // namespace crix::conmon

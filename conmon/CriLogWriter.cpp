#include "conmon/CriLogWriter.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "conmon/CriTimestamp.h"
#include "conmon/Diag.h"
#include "conmon/Failure.h"

namespace crix::conmon {
namespace {

UniqueFd openLog(const std::string& path, int flags) {
  return UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0600));
}

int64_t fileSize(int fd) {
  struct stat st;
  return ::fstat(fd, &st) == 0 ? st.st_size : 0;
}

}  // namespace

CriLogWriter::CriLogWriter(std::string path, int64_t sizeMax)
    : path_(std::move(path)), sizeMax_(sizeMax), fd_(openLog(path_, O_APPEND)) {
  if (!fd_) failErrno("open the container log " + path_);
  size_ = fileSize(fd_.get());
}

void CriLogWriter::write(Stream stream, const char* data, size_t size) {
  // One timestamp for the whole chunk, as conmon: it was read in one go.
  // "<timestamp> <stream> F " and the same with P.
  char full[kCriTimestampLength + 10];
  timespec now;
  ::clock_gettime(CLOCK_REALTIME, &now);
  formatCriTimestamp(now, full);
  size_t prefixLen = kCriTimestampLength;
  full[prefixLen++] = ' ';
  const std::string_view name = streamName(stream);
  std::memcpy(full + prefixLen, name.data(), name.size());
  prefixLen += name.size();
  std::memcpy(full + prefixLen, " F ", 3);
  prefixLen += 3;
  char partial[sizeof full];
  std::memcpy(partial, full, prefixLen);
  partial[prefixLen - 2] = 'P';

  static const char newline = '\n';
  while (size > 0) {
    const char* end = static_cast<const char*>(std::memchr(data, '\n', size));
    const bool isPartial = end == nullptr;
    const size_t lineLen = isPartial ? size : static_cast<size_t>(end - data) + 1;
    const int64_t entryLen = static_cast<int64_t>(prefixLen + lineLen + (isPartial ? 1 : 0));
    if (sizeMax_ > 0 && size_ > 0 && size_ + entryLen > sizeMax_) {
      flush();
      truncate();
    }
    append(isPartial ? partial : full, prefixLen);
    append(data, lineLen);
    if (isPartial) append(&newline, 1);
    size_ += entryLen;
    data += lineLen;
    size -= lineLen;
  }
  flush();
}

void CriLogWriter::append(const char* data, size_t size) {
  if (iovCount_ == static_cast<int>(sizeof iov_ / sizeof iov_[0])) flush();
  iov_[iovCount_++] = {const_cast<char*>(data), size};
}

void CriLogWriter::flush() {
  iovec* iov = iov_;
  int count = iovCount_;
  iovCount_ = 0;
  while (count > 0) {
    const ssize_t n = ::writev(fd_.get(), iov, count);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The entry is lost, not the container: a full disk must not block it.
      warnOnce("write to", n < 0 ? errno : EIO);
      return;
    }
    size_t done = static_cast<size_t>(n);
    while (count > 0 && done >= iov->iov_len) {
      done -= iov->iov_len;
      ++iov;
      --count;
    }
    if (count > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + done;
      iov->iov_len -= done;
    }
  }
  failing_ = false;
}

void CriLogWriter::truncate() {
  // A new file renamed over the old one, rather than ftruncate in place: a
  // reader following the log (kubectl logs -f) sees the file change instead
  // of reading on past the new end.
  const std::string tmp = path_ + ".tmp";
  UniqueFd fresh = openLog(tmp, O_TRUNC | O_APPEND);
  if (!fresh || ::rename(tmp.c_str(), path_.c_str()) != 0) {
    warnOnce("truncate", errno);
    if (fresh) ::unlink(tmp.c_str());
    return;
  }
  fd_ = std::move(fresh);
  size_ = 0;
}

int CriLogWriter::reopen() {
  UniqueFd fresh = openLog(path_, O_APPEND);
  if (!fresh) {
    const int err = errno;
    diag::warn("cannot reopen the container log ", path_, ": ", diag::errnoText(err));
    return err;
  }
  fd_ = std::move(fresh);
  size_ = fileSize(fd_.get());
  diag::info("reopened the container log ", path_);
  return 0;
}

void CriLogWriter::sync() {
  if (::fsync(fd_.get()) != 0) diag::warn("fsync of the container log: ", diag::errnoText(errno));
}

void CriLogWriter::warnOnce(const char* what, int err) {
  if (failing_) return;
  failing_ = true;
  diag::warn("cannot ", what, " the container log ", path_, ": ", diag::errnoText(err));
}

}  // namespace crix::conmon

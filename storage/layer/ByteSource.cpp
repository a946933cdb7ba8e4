#include "storage/layer/ByteSource.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "core/Error.h"

namespace crix::layer {

size_t MemoryByteSource::read(void* buffer, size_t max) {
  const size_t n = std::min(max, data_.size());
  std::memcpy(buffer, data_.data(), n);
  data_ = data_.subspan(n);
  return n;
}

size_t FdByteSource::read(void* buffer, size_t max) {
  for (;;) {
    const ssize_t n = ::read(fd_.get(), buffer, max);
    if (n >= 0) return static_cast<size_t>(n);
    if (errno != EINTR) throw Error::fromErrno("read layer blob", errno);
  }
}

}  // namespace crix::layer

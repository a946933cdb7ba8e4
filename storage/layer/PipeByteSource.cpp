#include "storage/layer/PipeByteSource.h"

#include <algorithm>
#include <cstring>

namespace crix::layer {

PipeByteSource::PipeByteSource(size_t capacityBytes) : ring_(std::max<size_t>(capacityBytes, 1)) {}

bool PipeByteSource::write(const void* data, size_t size) {
  const auto* in = static_cast<const std::byte*>(data);
  std::unique_lock lock(mutex_);
  while (size > 0) {
    writable_.wait(lock, [&] { return cancelled_ || used_ < ring_.size(); });
    if (cancelled_) return false;
    // Copy into the free space, which may wrap around the end of the ring.
    const size_t tail = (head_ + used_) % ring_.size();
    const size_t contiguous = std::min(ring_.size() - used_, ring_.size() - tail);
    const size_t n = std::min(size, contiguous);
    std::memcpy(ring_.data() + tail, in, n);
    used_ += n;
    in += n;
    size -= n;
    readable_.notify_one();
  }
  return !cancelled_;
}

void PipeByteSource::finish() {
  std::lock_guard lock(mutex_);
  finished_ = true;
  readable_.notify_all();
}

void PipeByteSource::fail(const Error& error) {
  std::lock_guard lock(mutex_);
  if (!failure_) failure_ = error;
  finished_ = true;
  readable_.notify_all();
}

size_t PipeByteSource::read(void* buffer, size_t max) {
  if (max == 0) return 0;
  std::unique_lock lock(mutex_);
  readable_.wait(lock, [&] { return used_ > 0 || finished_; });
  if (used_ == 0) {
    if (failure_) throw *failure_;
    return 0;
  }
  const size_t contiguous = std::min(used_, ring_.size() - head_);
  const size_t n = std::min(max, contiguous);
  std::memcpy(buffer, ring_.data() + head_, n);
  head_ = (head_ + n) % ring_.size();
  used_ -= n;
  writable_.notify_one();
  return n;
}

void PipeByteSource::cancel() noexcept {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  writable_.notify_all();
}

}  // namespace crix::layer

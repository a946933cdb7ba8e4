#include "cri/streaming/StreamingBackend.h"

namespace crix::streaming {

void ResizeQueue::push(TerminalSize size) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (sizes_.size() >= kMaxQueued) sizes_.pop_front();
    sizes_.push_back(size);
  }
  changed_.notify_all();
}

std::optional<TerminalSize> ResizeQueue::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return !sizes_.empty() || closed_; });
  if (sizes_.empty()) return std::nullopt;
  const TerminalSize size = sizes_.front();
  sizes_.pop_front();
  return size;
}

void ResizeQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  changed_.notify_all();
}

bool ResizeQueue::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

}  // namespace crix::streaming

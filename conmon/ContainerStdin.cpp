#include "conmon/ContainerStdin.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "conmon/Diag.h"

namespace crix::conmon {

ContainerStdin::ContainerStdin(EventLoop& loop, UniqueFd fd, StdinListener& listener)
    : loop_(loop), fd_(std::move(fd)), listener_(listener) {
  ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
}

ContainerStdin::~ContainerStdin() { close(); }

void ContainerStdin::close() {
  if (!fd_) return;
  if (waitingWritable_) loop_.remove(fd_.get());
  waitingWritable_ = false;
  fd_.reset();
  pending_.clear();
  diag::debug("closed the container's stdin");
}

void ContainerStdin::write(const char* data, size_t size) {
  if (!fd_ || closeRequested_) return;
  pending_.append(data, size);
  flushPending();
}

void ContainerStdin::flushPending() {
  size_t done = 0;
  while (done < pending_.size()) {
    const ssize_t n = ::write(fd_.get(), pending_.data() + done, pending_.size() - done);
    if (n > 0) {
      done += static_cast<size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno == EAGAIN) {
      break;
    } else {
      // EPIPE: the container closed its stdin or is gone; nobody will read.
      diag::debug("writing the container's stdin: ", diag::errnoText(errno));
      close();
      listener_.onStdinDrained();
      return;
    }
  }
  pending_.erase(0, done);
  if (!pending_.empty()) {
    if (!waitingWritable_) loop_.add(fd_.get(), EPOLLOUT, this);
    waitingWritable_ = true;
    return;
  }
  if (waitingWritable_) loop_.remove(fd_.get());
  waitingWritable_ = false;
  if (closeRequested_) close();
  listener_.onStdinDrained();
}

void ContainerStdin::closeWhenWritten() {
  closeRequested_ = true;
  if (pending_.empty()) close();
}

void ContainerStdin::onReady(uint32_t) {
  if (fd_) flushPending();
}

}  // namespace crix::conmon

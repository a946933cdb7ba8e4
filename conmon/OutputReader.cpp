#include "conmon/OutputReader.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "conmon/Diag.h"

namespace crix::conmon {
namespace {

// Shared by every reader: a chunk is handed on before the next read. The
// first byte is the headroom OutputSink promises at data[-1].
char chunkBuffer[1 + kOutputChunkSize];

// How long a terminal with no process holding it is left alone before
// looking again; it reports hang-up continuously until someone opens it.
constexpr int kHangupRetryMs = 100;

}  // namespace

OutputReader::OutputReader(EventLoop& loop, UniqueFd fd, Stream stream, bool terminal, OutputSink& sink)
    : loop_(loop), fd_(std::move(fd)), stream_(stream), terminal_(terminal), sink_(sink) {
  ::fcntl(fd_.get(), F_SETFL, ::fcntl(fd_.get(), F_GETFL) | O_NONBLOCK);
  loop_.add(fd_.get(), EPOLLIN, this);
  if (terminal_) retry_.emplace(loop_, retryWatcher_);
}

OutputReader::~OutputReader() { close(); }

void OutputReader::close() {
  if (!fd_) return;
  if (!paused_) loop_.remove(fd_.get());
  fd_.reset();
  if (retry_) retry_->stop();
}

OutputReader::ReadResult OutputReader::readOnce() {
  char* data = chunkBuffer + 1;
  const ssize_t n = ::read(fd_.get(), data, kOutputChunkSize);
  if (n > 0) {
    sink_.onOutput(stream_, data, static_cast<size_t>(n));
    return ReadResult::Data;
  }
  if (n == 0) return ReadResult::End;
  if (errno == EAGAIN || errno == EINTR) return ReadResult::Empty;
  // A pty master reads EIO while no process has the terminal open.
  if (terminal_ && errno == EIO) return ReadResult::HungUp;
  diag::warn("reading the container's ", streamName(stream_), ": ", diag::errnoText(errno));
  return ReadResult::End;
}

void OutputReader::onReady(uint32_t events) {
  if (!fd_) return;
  ReadResult result = ReadResult::Empty;
  if (events & EPOLLIN) {
    result = readOnce();
    // Whatever is still buffered comes first; a hang-up is seen again once
    // it has been read.
    if (result == ReadResult::Data) return;
  } else if (events & (EPOLLHUP | EPOLLERR)) {
    result = terminal_ ? ReadResult::HungUp : ReadResult::End;
  }
  if (result == ReadResult::End) close();
  if (result == ReadResult::HungUp) hangUp();
}

void OutputReader::hangUp() {
  if (final_) {
    close();
    return;
  }
  // Until a process opens the terminal again, look only now and then.
  loop_.remove(fd_.get());
  paused_ = true;
  retry_->startMs(kHangupRetryMs);
}

void OutputReader::onRetry(uint32_t) {
  if (!fd_ || !paused_) return;
  paused_ = false;
  loop_.add(fd_.get(), EPOLLIN, this);
}

void OutputReader::setFinal() {
  final_ = true;
  if (paused_) close();
}

void OutputReader::drain() {
  // Bounded: a writer that never stops must not keep crix-conmon here.
  for (int i = 0; fd_ && i < 4096; ++i) {
    const ReadResult result = readOnce();
    if (result == ReadResult::Data) continue;
    if (result != ReadResult::Empty) close();
    return;
  }
}

}  // namespace crix::conmon

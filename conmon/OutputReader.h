// Reads one of the container's output fds (a pipe, or the pty master) from
// the event loop and hands each chunk to an OutputSink.
#pragma once

#include <optional>

#include "conmon/EventLoop.h"
#include "conmon/Stream.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

// Chunks are at most this long; a longer line reaches the log in pieces.
inline constexpr size_t kOutputChunkSize = 8192;

class OutputReader final : public Watcher {
 public:
  OutputReader(EventLoop& loop, UniqueFd fd, Stream stream, bool terminal, OutputSink& sink);
  ~OutputReader();
  OutputReader(const OutputReader&) = delete;
  OutputReader& operator=(const OutputReader&) = delete;

  bool open() const { return static_cast<bool>(fd_); }
  int fd() const { return fd_.get(); }

  // The process writing here has exited: a terminal nobody holds any more is
  // finished rather than waiting for a new holder.
  void setFinal();
  // Reads what is there now, without waiting, then stops at end of file or
  // when nothing more is buffered.
  void drain();
  void close();

 private:
  enum class ReadResult { Data, Empty, End, HungUp };
  void onReady(uint32_t events) override;
  void onRetry(uint32_t events);
  ReadResult readOnce();
  void hangUp();

  EventLoop& loop_;
  UniqueFd fd_;
  Stream stream_;
  bool terminal_;
  bool final_ = false;
  bool paused_ = false;
  OutputSink& sink_;
  MemberWatcher<OutputReader, &OutputReader::onRetry> retryWatcher_{this};
  std::optional<Timer> retry_;
};

}  // namespace crix::conmon

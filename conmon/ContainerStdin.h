// The container's stdin as crix-conmon holds it: the write end of a pipe, or
// (with a terminal) the pty master. Attach clients' input goes in here
// without ever blocking the event loop; what the container does not take yet
// waits, and the clients are paused meanwhile.
#pragma once

#include <string>

#include "conmon/EventLoop.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

class StdinListener {
 public:
  // Everything written so far has reached the container: more may come.
  virtual void onStdinDrained() = 0;

 protected:
  ~StdinListener() = default;
};

class ContainerStdin final : public Watcher {
 public:
  ContainerStdin(EventLoop& loop, UniqueFd fd, StdinListener& listener);
  ~ContainerStdin();
  ContainerStdin(const ContainerStdin&) = delete;
  ContainerStdin& operator=(const ContainerStdin&) = delete;

  bool open() const { return static_cast<bool>(fd_); }
  // Holding bytes the container has not taken yet.
  bool busy() const { return !pending_.empty(); }
  // Input after the container closed its stdin is dropped.
  void write(const char* data, size_t size);
  // Closes once what is pending is written: the container reads end of file
  // (stdin-once). A terminal has no end of file to give; it only stops input.
  void closeWhenWritten();

 private:
  void onReady(uint32_t events) override;
  void flushPending();
  void close();

  EventLoop& loop_;
  UniqueFd fd_;
  StdinListener& listener_;
  std::string pending_;
  bool closeRequested_ = false;
  bool waitingWritable_ = false;
};

}  // namespace crix::conmon

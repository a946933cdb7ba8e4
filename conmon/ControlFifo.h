// The control FIFO the daemon writes requests to, one line each, as conmon's:
//   "1 <rows> <columns>\n"  resize the container's terminal
//   "2 TOKEN 0\n"           reopen the log file (after the daemon renamed it);
//                          a nonzero TOKEN asks for an acknowledgement on the
//                          FIFO "<ctl-fifo>.ack-TOKEN" the daemon made
//   "3 0 0\n"               exec mode: kill the exec's processes (crix's own)
#pragma once

#include <string>

#include "conmon/EventLoop.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

class ControlListener {
 public:
  virtual void onResize(unsigned rows, unsigned columns) = 0;
  // 0 once the log is open again, else the errno of the failure.
  virtual int onReopenLog() = 0;
  // Only a streaming exec has something to kill; a container is stopped
  // with the runtime's kill.
  virtual void onKill();

 protected:
  ~ControlListener() = default;
};

class ControlFifo final : public Watcher {
 public:
  // Creates the FIFO at `path` (mode 0600, replacing whatever was there).
  ControlFifo(EventLoop& loop, std::string path, ControlListener& listener);
  ~ControlFifo();
  ControlFifo(const ControlFifo&) = delete;
  ControlFifo& operator=(const ControlFifo&) = delete;

 private:
  void onReady(uint32_t events) override;
  void handleLine(std::string_view line);
  void acknowledge(long long token, int error) const;

  EventLoop& loop_;
  std::string path_;
  ControlListener& listener_;
  UniqueFd reader_;
  // Our own writer keeps the FIFO from reporting hang-up every time the
  // daemon closes its end.
  UniqueFd keepOpen_;
  char line_[128];
  size_t lineLen_ = 0;
  bool overlong_ = false;
};

}  // namespace crix::conmon

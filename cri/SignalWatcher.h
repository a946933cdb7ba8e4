// Turns the daemon's control signals into plain values the main thread waits
// for. The signals are blocked before any other thread exists, so every thread
// gRPC starts inherits the mask and only wait() ever sees them.
#pragma once

#include <signal.h>

#include <initializer_list>

namespace crix::cri {

class SignalWatcher {
 public:
  explicit SignalWatcher(std::initializer_list<int> signals);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  // Blocks until one of the watched signals arrives; returns its number.
  int wait() const;

 private:
  sigset_t watched_{};
  sigset_t previous_{};
};

}  // namespace crix::cri

// Signals as readable bytes on a pipe, for poll loops. The handlers are
// process-wide (sigaction), so a signal lands here whichever thread the
// kernel picks: gRPC's threads do not block signals, so signalfd and a
// blocked mask in one thread would miss them. While it lives SIGPIPE is
// ignored, so a closed peer shows as EPIPE rather than killing crixctl.
// One instance at a time; the destructor puts the previous handlers back.
#pragma once

#include <csignal>
#include <initializer_list>
#include <vector>

#include "core/UniqueFd.h"

namespace crixctl {

class SignalPipe {
 public:
  explicit SignalPipe(std::initializer_list<int> signals);
  ~SignalPipe();
  SignalPipe(const SignalPipe&) = delete;
  SignalPipe& operator=(const SignalPipe&) = delete;

  // Poll this for POLLIN.
  int fd() const { return readEnd_.get(); }
  // The signals caught since the last call, in order (nonblocking).
  std::vector<int> take();

 private:
  crix::UniqueFd readEnd_;
  crix::UniqueFd writeEnd_;
  std::vector<std::pair<int, struct sigaction>> previous_;
};

}  // namespace crixctl

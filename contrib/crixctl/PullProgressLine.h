// The one-line progress `crixctl pull` shows on stderr while crix pulls:
//   Pulling busybox:1.36: layers 1/3, 4.10/12.52 MB, 3.27 MB/s
// redrawn in place and erased at the end, so the terminal is left as crictl
// leaves it. Only on a terminal: when stderr is a file or pipe nothing is
// drawn, and scripts see exactly crictl's output.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include "cri/api/Cri.h"

namespace crixctl {

class PullProgressLine {
 public:
  explicit PullProgressLine(std::string image);
  // Erases the line, also when the pull failed with an exception.
  ~PullProgressLine();
  PullProgressLine(const PullProgressLine&) = delete;
  PullProgressLine& operator=(const PullProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  void update(const crix::v1::PullImageProgress& report);
  void erase();

 private:
  using Clock = std::chrono::steady_clock;
  struct Sample {
    Clock::time_point at;
    std::uint64_t bytes;
  };

  // Bytes per second over the last few seconds, so that the rate follows
  // what the network does now rather than averaging over the whole pull.
  double rate() const;

  std::string image_;
  bool enabled_;
  bool drawn_ = false;
  std::deque<Sample> samples_;
};

}  // namespace crixctl

// A pipe whose two ends close themselves; both close-on-exec, so a child
// gets an end only through its stdio.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include "conmon/Failure.h"
#include "core/UniqueFd.h"

namespace crix::conmon {

struct Pipe {
  UniqueFd read, write;

  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) failErrno("pipe");
    read.reset(fds[0]);
    write.reset(fds[1]);
  }
};

}  // namespace crix::conmon

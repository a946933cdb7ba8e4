// Create mode: `runtime create`, report the container's pid, then serve its
// stdio (log file, attach socket, control FIFO) until it exits, and write the
// exit file.
#pragma once

#include "conmon/Options.h"

namespace crix::conmon {

// Returns crix-conmon's exit code: 0 once the exit file is written, 1 when
// creating the container failed (reported on the sync fd).
int runCreateMode(const Options& options);

}  // namespace crix::conmon

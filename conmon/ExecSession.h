// Exec mode (the daemon's ExecSync): `runtime exec` a process in a running
// container, collect its output into files, kill everything it started when
// the timeout passes, and write the exit file.
#pragma once

#include "conmon/Options.h"

namespace crix::conmon {

// Returns crix-conmon's exit code: 0 once the process ran and the exit file is
// written (whatever the process's own exit code), 1 when the runtime could not
// start it (the exit file then carries "error").
int runExecMode(const Options& options);

}  // namespace crix::conmon

// Starting the OCI runtime as a child of crix-conmon.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace crix::conmon {

// The child's stdin, stdout and stderr; -1 means /dev/null.
struct ChildStdio {
  int in = -1;
  int out = -1;
  int err = -1;
};

// Forks and executes argv[0] with `stdio`. The child dies with crix-conmon
// (PDEATHSIG) so that a runtime is never left behind half way through. When
// the program cannot be executed, the reason is written to the child's stderr
// and the child exits 127, so the caller reports it like any runtime failure.
pid_t spawn(const std::vector<std::string>& argv, const ChildStdio& stdio);

}  // namespace crix::conmon

// crixctl's command line from argv to exit code: global flags, settings,
// then the verb with its own flags.
#pragma once

#include <span>
#include <string>

namespace crixctl {

// Returns the process exit code; failures are printed crictl-style (FATA,
// exit 1) rather than thrown.
int runApp(std::span<const std::string> argv);

}  // namespace crixctl

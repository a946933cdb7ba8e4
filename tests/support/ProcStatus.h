// One number from /proc/PID/status ("Threads", "VmRSS" in KiB …), for tests
// and benches that watch the daemon from outside.
#pragma once

#include <sys/types.h>

#include <string_view>

namespace crix::test {

// -1 when the process or the field is not there.
long procStatusValue(pid_t pid, std::string_view field);

}  // namespace crix::test

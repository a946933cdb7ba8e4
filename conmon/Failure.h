// Failures inside crix-conmon are crix::Error exceptions. Their message ends up
// in front of the user (the daemon copies it from the sync fd or the exit
// file), so it names the step and the path that failed.
#pragma once

#include <cerrno>
#include <string_view>

#include "core/Error.h"

namespace crix::conmon {

[[noreturn]] void fail(std::string_view message);
// "<what>: <description of err>"
[[noreturn]] void failErrno(std::string_view what, int err = errno);

}  // namespace crix::conmon

// Small blocking-or-not file descriptor helpers for the streaming verbs.
#pragma once

#include <string_view>

namespace crixctl {

// Writes all of `data` to `fd`, waiting (poll) when the fd is nonblocking
// and full; retries EINTR. Throws crix::Error (Unavailable for EPIPE, the
// reader went away) on failure.
void writeAll(int fd, std::string_view data);

void setNonBlocking(int fd);

}  // namespace crixctl

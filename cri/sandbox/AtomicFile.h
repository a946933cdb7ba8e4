// Files of a pod that containers bind-mount: written whole or not at all, so
// that a container starting meanwhile (or a crash) never sees half of one.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

namespace crix::sandbox {

// Writes `content` to a temporary file next to `path`, fsyncs it and renames
// it over `path`. Throws Internal naming the path on failure (and leaves no
// temporary file).
void writeFileAtomically(const std::string& path, std::string_view content, mode_t mode = 0644);

}  // namespace crix::sandbox

// Writes a file so that readers, and a machine that crashes mid-write, see
// either the old content or the new one: temp file, fsync, rename, fsync of
// the directory.
#pragma once

#include <string>
#include <string_view>

namespace crix {

void writeFileAtomically(const std::string& path, std::string_view content, unsigned mode = 0644);
// fsync of a directory, so that a rename or unlink inside it is durable.
void syncDirectory(const std::string& dir);
// The whole file; throws NotFound when it does not exist.
std::string readWholeFile(const std::string& path);

}  // namespace crix

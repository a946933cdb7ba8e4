// One way to make a directory and its missing parents, with the error a
// person can act on.
#pragma once

#include <optional>
#include <string>

namespace crix {

// Creates `dir` and any missing parents (an existing directory is fine).
// With `mode`, sets it on `dir` (not on the parents). Internal error naming
// the directory and the reason on failure.
void makeDirectories(const std::string& dir, std::optional<unsigned> mode = std::nullopt);

}  // namespace crix

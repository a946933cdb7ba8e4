// The host's mount table as tests check it for leftovers.
#pragma once

#include <string>
#include <vector>

namespace crix::test {

// Mount points at or below `dir` (as written, not canonicalized), in
// /proc/self/mountinfo order: a mount comes before what is mounted on it.
std::vector<std::string> mountsBelow(const std::string& dir);

}  // namespace crix::test

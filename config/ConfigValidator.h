// Value checks on a fully merged Config. They run after every file has been
// applied because some keys only make sense together (default_runtime needs
// its runtimes table, stream_enable_tls needs a certificate), and a drop-in
// may legitimately supply the other half. Internal to the config library.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/Config.h"
#include "config/ConfigLoader.h"

namespace crix::config {

// Where a dotted key was last set, so that a check on the merged result can
// still point at the right file and line.
struct Origin {
  std::string file;
  int line = 0;
};
using Origins = std::map<std::string, Origin>;

// Throws crix::Error InvalidArgument on the first bad value. Appends warnings
// for settings crix accepts but cannot act on. Normalises the values CRI-O
// normalises (grpc sizes <= 0, runtime_type ""), so that what comes out is
// what crix will run with.
void checkConfig(Config& cfg, const Origins& origins, std::vector<Diagnostic>& warnings);

}  // namespace crix::config

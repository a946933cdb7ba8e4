// The configuration the daemon runs with: files first, then the command-line
// flags over them. Used at start-up, on SIGHUP and by `crix config`.
#pragma once

#include "config/Config.h"
#include "config/ConfigLoader.h"
#include "cri/DaemonOptions.h"

namespace crix::cri {

// Throws crix::Error when a file is missing, malformed or holds a bad value.
config::Loaded loadEffectiveConfig(const DaemonOptions& opts);

}  // namespace crix::cri

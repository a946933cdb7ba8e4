// The crix daemon: owns the socket claim, the gRPC server and the services,
// and reacts to SIGTERM/SIGINT (graceful stop) and SIGHUP (reload).
#pragma once

#include "cri/DaemonOptions.h"
#include "cri/LiveConfig.h"

namespace crix::cri {

class Daemon {
 public:
  Daemon(DaemonOptions opts, config::Config initial);
  // Serves until SIGTERM or SIGINT; returns the process exit code.
  int run();

 private:
  void reload();

  DaemonOptions opts_;
  LiveConfig config_;
};

}  // namespace crix::cri

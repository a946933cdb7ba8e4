// crix: a Kubernetes container runtime serving the CRI on a unix socket.
#include <cstdio>
#include <iostream>

#include "config/ConfigWriter.h"
#include "core/Error.h"
#include "core/Log.h"
#include "cri/Daemon.h"
#include "cri/DaemonOptions.h"
#include "cri/EffectiveConfig.h"

int main(int argc, char** argv) {
  using crix::cri::DaemonOptions;
  try {
    DaemonOptions opts = crix::cri::parseDaemonOptions(argc, argv);
    switch (opts.command) {
      case DaemonOptions::Command::Help:
        std::fputs(crix::cri::daemonUsage(), stdout);
        return 0;
      case DaemonOptions::Command::Version:
        std::printf("crix version %s\n", CRIX_VERSION);
        return 0;
      case DaemonOptions::Command::PrintConfig:
      case DaemonOptions::Command::Serve:
        break;
    }

    auto loaded = crix::cri::loadEffectiveConfig(opts);
    if (const auto level = crix::log::parseLevel(loaded.config.runtime.log_level))
      crix::log::setLevel(*level);
    for (const auto& w : loaded.warnings) crix::log::warn(w.text());

    if (opts.command == DaemonOptions::Command::PrintConfig) {
      std::cout << crix::config::toToml(loaded.config);
      return 0;
    }
    return crix::cri::Daemon(std::move(opts), std::move(loaded.config)).run();
  } catch (const crix::Error& e) {
    crix::log::error(e.what());
    return 1;
  } catch (const std::exception& e) {
    crix::log::error("unexpected failure: ", e.what());
    return 1;
  }
}

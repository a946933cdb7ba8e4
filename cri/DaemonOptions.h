// The daemon's command line. Flags that name a config key override the
// configuration files, as CRI-O's flags do.
#pragma once

#include <optional>
#include <string>

namespace crix::cri {

struct DaemonOptions {
  std::string configFile;
  std::string configDir;
  bool configFileGiven = false;  // an explicitly named file must exist
  std::optional<std::string> listen;
  std::optional<std::string> root;
  std::optional<std::string> runroot;
  std::optional<std::string> logLevel;

  enum class Command { Serve, PrintConfig, Help, Version };
  Command command = Command::Serve;
};

// Throws crix::Error (InvalidArgument) on a bad command line.
DaemonOptions parseDaemonOptions(int argc, char** argv);
const char* daemonUsage();

}  // namespace crix::cri

#include "cri/DaemonOptions.h"

#include <getopt.h>

#include <string_view>

#include "config/Config.h"
#include "core/Error.h"

namespace crix::cri {

const char* daemonUsage() {
  return "Usage: crix [flags] [command]\n"
         "\n"
         "crix serves the Kubernetes Container Runtime Interface (CRI runtime.v1)\n"
         "on a unix socket, running pods and containers with runc.\n"
         "\n"
         "Commands:\n"
         "  (none)    run the daemon\n"
         "  config    print the effective configuration as TOML and exit\n"
         "  version   print crix's version and exit\n"
         "\n"
         "Flags:\n"
         "  --config FILE       main configuration file (default /etc/crix/crix.conf)\n"
         "  --config-dir DIR    drop-in directory, *.conf applied in lexical order\n"
         "                      (default /etc/crix/crix.conf.d)\n"
         "  --listen PATH       CRI socket (crio.api.listen, default /run/crix/crix.sock)\n"
         "  --root DIR          persistent state (crio.root, default /var/lib/crix)\n"
         "  --runroot DIR       volatile state (crio.runroot, default /run/crix)\n"
         "  --log-level LEVEL   error, warn, info, debug or trace (crio.runtime.log_level)\n"
         "  -h, --help          show this help\n";
}

DaemonOptions parseDaemonOptions(int argc, char** argv) {
  DaemonOptions opts;
  opts.configFile = config::kDefaultConfigFile;
  opts.configDir = config::kDefaultConfigDir;

  enum { kConfig = 1000, kConfigDir, kListen, kRoot, kRunroot, kLogLevel };
  static const option longOptions[] = {
      {"config", required_argument, nullptr, kConfig},
      {"config-dir", required_argument, nullptr, kConfigDir},
      {"listen", required_argument, nullptr, kListen},
      {"root", required_argument, nullptr, kRoot},
      {"runroot", required_argument, nullptr, kRunroot},
      {"log-level", required_argument, nullptr, kLogLevel},
      {"help", no_argument, nullptr, 'h'},
      {"version", no_argument, nullptr, 'v'},
      {nullptr, 0, nullptr, 0},
  };

  optind = 1;
  opterr = 0;  // we report errors ourselves, as crix::Error
  for (;;) {
    const int previous = optind;
    const int c = getopt_long(argc, argv, "+:hv", longOptions, nullptr);
    if (c == -1) break;
    switch (c) {
      case kConfig: opts.configFile = optarg; opts.configFileGiven = true; break;
      case kConfigDir: opts.configDir = optarg; break;
      case kListen: opts.listen = optarg; break;
      case kRoot: opts.root = optarg; break;
      case kRunroot: opts.runroot = optarg; break;
      case kLogLevel: opts.logLevel = optarg; break;
      case 'h': opts.command = DaemonOptions::Command::Help; break;
      case 'v': opts.command = DaemonOptions::Command::Version; break;
      case ':':
        throw Error::invalidArgument(std::string("flag ") + argv[previous] + " needs a value");
      default:
        throw Error::invalidArgument(std::string("unknown flag ") + argv[previous] +
                                     " (see crix --help)");
    }
  }

  if (optind < argc) {
    const std::string_view cmd = argv[optind];
    if (cmd == "config") opts.command = DaemonOptions::Command::PrintConfig;
    else if (cmd == "version") opts.command = DaemonOptions::Command::Version;
    else if (cmd == "help") opts.command = DaemonOptions::Command::Help;
    else throw Error::invalidArgument("unknown command \"" + std::string(cmd) + "\" (see crix --help)");
    if (optind + 1 < argc)
      throw Error::invalidArgument("unexpected argument \"" + std::string(argv[optind + 1]) + "\"");
  }
  return opts;
}

}  // namespace crix::cri

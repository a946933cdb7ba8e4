#include "oci/ProcessArgs.h"

#include "core/Error.h"

namespace crix::oci {

std::vector<std::string> processArgs(const runtime::v1::ContainerConfig& config,
                                     const registry::ImageRuntimeConfig& image) {
  std::vector<std::string> argv;
  if (!config.command().empty()) {
    argv.assign(config.command().begin(), config.command().end());
    argv.insert(argv.end(), config.args().begin(), config.args().end());
  } else {
    argv = image.entrypoint;
    if (!config.args().empty()) {
      argv.insert(argv.end(), config.args().begin(), config.args().end());
    } else {
      argv.insert(argv.end(), image.cmd.begin(), image.cmd.end());
    }
  }
  if (argv.empty()) {
    throw Error::invalidArgument(
        "no command specified: the request has no command or args and the image has no "
        "ENTRYPOINT or CMD");
  }
  if (argv.front().empty()) {
    throw Error::invalidArgument("the command to run is an empty string");
  }
  return argv;
}

}  // namespace crix::oci

#include "contrib/crixctl/Endpoint.h"

#include <filesystem>

#include "contrib/crixctl/CliLog.h"
#include "core/Error.h"

namespace crixctl {

std::string grpcTarget(std::string_view endpoint) {
  const auto sep = endpoint.find("://");
  if (sep == std::string_view::npos) {
    clilog::warn("Using \"", endpoint, "\" as endpoint is deprecated, please consider using full url format \"unix://",
                 endpoint, "\".");
    return grpcTarget("unix://" + std::string(endpoint));
  }
  const std::string_view scheme = endpoint.substr(0, sep);
  const std::string_view rest = endpoint.substr(sep + 3);
  if (scheme == "unix") {
    if (rest.empty()) throw crix::Error::invalidArgument("endpoint " + std::string(endpoint) + " has no socket path");
    // gRPC reads "unix:relative" relative to the working directory but wants
    // three slashes for an absolute path; making the path absolute covers both.
    const auto absolute = std::filesystem::absolute(std::filesystem::path(rest)).lexically_normal();
    return "unix://" + absolute.string();
  }
  if (scheme == "tcp") {
    if (rest.empty()) throw crix::Error::invalidArgument("endpoint " + std::string(endpoint) + " has no address");
    return std::string(rest);
  }
  throw crix::Error::invalidArgument("protocol \"" + std::string(scheme) + "\" not supported");
}

}  // namespace crixctl

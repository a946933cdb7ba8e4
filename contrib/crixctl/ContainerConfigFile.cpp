#include "contrib/crixctl/ContainerConfigFile.h"

#include "contrib/crixctl/DebugText.h"
#include "contrib/crixctl/ProtoConfigFile.h"
#include "core/Error.h"

namespace crixctl {

runtime::v1::ContainerConfig loadContainerConfig(const std::string& path) {
  runtime::v1::ContainerConfig config;
  readProtoConfigFile(path, config);
  if (!config.has_metadata()) throw crix::Error::invalidArgument("metadata is not set");
  if (config.metadata().name().empty())
    throw crix::Error::invalidArgument("name is not in metadata \"" + debugText(config.metadata()) + "\"");
  return config;
}

}  // namespace crixctl

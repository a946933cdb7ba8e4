#include "contrib/crixctl/PodSandboxConfigFile.h"

#include <cstdio>
#include <random>

#include "contrib/crixctl/CliLog.h"
#include "contrib/crixctl/DebugText.h"
#include "contrib/crixctl/ProtoConfigFile.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// A random (version 4) UUID, as crictl gives pods that come without one.
std::string randomUuid() {
  std::random_device source;
  unsigned char bytes[16];
  for (auto& b : bytes) b = static_cast<unsigned char>(source());
  bytes[6] = static_cast<unsigned char>((bytes[6] & 0x0f) | 0x40);
  bytes[8] = static_cast<unsigned char>((bytes[8] & 0x3f) | 0x80);
  char text[37];
  std::snprintf(text, sizeof text, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", bytes[0],
                bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10],
                bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]);
  return text;
}

}  // namespace

runtime::v1::PodSandboxConfig loadPodSandboxConfig(const std::string& path) {
  runtime::v1::PodSandboxConfig config;
  readProtoConfigFile(path, config);

  if (!config.has_metadata()) throw crix::Error::invalidArgument("metadata is not set");
  if (config.metadata().uid().empty()) config.mutable_metadata()->set_uid(randomUuid());
  if (config.metadata().name().empty() || config.metadata().namespace_().empty())
    throw crix::Error::invalidArgument("name or namespace is not in metadata \"" + debugText(config.metadata()) + "\"");
  if (config.has_linux() && config.linux().cgroup_parent().empty())
    clilog::warn("cgroup_parent is not set. Use `runtime-config` to get the runtime cgroup driver");
  return config;
}

}  // namespace crixctl

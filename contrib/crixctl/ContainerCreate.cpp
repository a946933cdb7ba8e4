#include "contrib/crixctl/ContainerCreate.h"

#include "contrib/crixctl/ContainerConfigFile.h"
#include "contrib/crixctl/Duration.h"
#include "contrib/crixctl/ImagePull.h"
#include "contrib/crixctl/PodSandboxConfigFile.h"
#include "contrib/crixctl/RegistryAuth.h"
#include "core/Error.h"

namespace crixctl {
namespace {

bool imagePresent(CriClient& client, const std::string& image) {
  runtime::v1::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  const auto response = client.call(client.images(), &CriClient::ImageStub::ImageStatus, request);
  return response.has_image() && !response.image().id().empty();
}

void pullIfAbsent(VerbContext& ctx, const std::string& image, const runtime::v1::ImageSpec& spec,
                  const runtime::v1::PodSandboxConfig* podConfig) {
  if (imagePresent(ctx.client, image)) {
    clilog::debug("Image ", image, " is present, not pulling it");
    return;
  }
  clilog::write(clilog::Level::Info, "Pulling container image: " + image);
  runtime::v1::PullImageRequest request;
  request.mutable_image()->set_image(image);
  *request.mutable_image()->mutable_annotations() = spec.annotations();
  if (const auto auth = registryAuth(ctx.options)) *request.mutable_auth() = *auth;
  if (podConfig) *request.mutable_sandbox_config() = *podConfig;
  const std::string timeoutText = ctx.options.value("pull-timeout");
  const auto timeout = timeoutText.empty() ? std::chrono::nanoseconds(0) : parseDuration(timeoutText);
  try {
    pullImage(ctx.client, request, timeout, {});
  } catch (const crix::Error& e) {
    throw wrapError("pulling image", e);
  }
}

}  // namespace

std::vector<OptionSpec> containerPullOptions(const std::string& noPullUsage, const std::string& withPullUsage) {
  using Kind = OptionSpec::Kind;
  return optionsOf({
      registryAuthOptions("Use `USERNAME` for accessing the registry. The password will be requested on the command "
                          "line"),
      {
          {.name = "no-pull", .kind = Kind::Bool, .usage = noPullUsage},
          {.name = "with-pull", .kind = Kind::Bool, .usage = withPullUsage},
          {.name = "cancel-timeout",
           .shortName = "T",
           .kind = Kind::Value,
           .usage = "Seconds to wait for a container create request to complete before cancelling the request",
           .defaultValue = "0s",
           .quoteDefault = false},
          {.name = "pull-timeout",
           .kind = Kind::Value,
           .usage = "Maximum time to be used for pulling the image, disabled if set to 0s",
           .defaultValue = "0s",
           .quoteDefault = false,
           .longAliases = {"pt"}},
      },
  });
}

std::optional<std::chrono::nanoseconds> cancelTimeout(const VerbContext& ctx) {
  if (!ctx.options.isSet("cancel-timeout")) return std::nullopt;
  const auto t = parseDuration(ctx.options.value("cancel-timeout"));
  if (t.count() <= 0) return std::nullopt;
  return t;
}

bool shouldPull(const VerbContext& ctx, bool configDefault) {
  const bool noPull = ctx.options.flag("no-pull");
  const bool withPull = ctx.options.flag("with-pull");
  if (noPull && withPull) throw crix::Error::invalidArgument("conflict: no-pull and with-pull are both set");
  return (configDefault && !noPull) || withPull;
}

std::string createContainer(VerbContext& ctx, const CreateRequest& create) {
  runtime::v1::ContainerConfig config = loadContainerConfig(create.containerConfigPath);
  std::optional<runtime::v1::PodSandboxConfig> podConfig;
  if (!create.podConfigPath.empty()) podConfig = loadPodSandboxConfig(create.podConfigPath);

  const std::string image = config.image().image();
  if (config.image().user_specified_image().empty()) config.mutable_image()->set_user_specified_image(image);

  if (create.withPull) {
    pullIfAbsent(ctx, image, config.image(), podConfig ? &*podConfig : nullptr);
    for (const auto& mount : config.mounts()) {
      if (!mount.has_image() || mount.image().image().empty()) continue;
      clilog::write(clilog::Level::Info, "Pulling image " + mount.image().image() +
                                             " to be mounted to container path: " + mount.container_path());
      pullIfAbsent(ctx, mount.image().image(), mount.image(), podConfig ? &*podConfig : nullptr);
    }
  }

  runtime::v1::CreateContainerRequest request;
  request.set_pod_sandbox_id(create.podId);
  *request.mutable_config() = config;
  if (podConfig) *request.mutable_sandbox_config() = *podConfig;
  const auto response = ctx.client.call(ctx.client.runtime(), &CriClient::RuntimeStub::CreateContainer, request,
                                        cancelTimeout(ctx));
  return response.container_id();
}

}  // namespace crixctl

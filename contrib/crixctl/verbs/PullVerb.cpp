// `crixctl pull NAME[:TAG|@DIGEST]`: has the runtime pull an image, then
// prints crictl's "Image is up to date for <image ID>". Against crix a
// progress line runs on stderr meanwhile, when stderr is a terminal.
#include <iostream>

#include "contrib/crixctl/Duration.h"
#include "contrib/crixctl/ImagePull.h"
#include "contrib/crixctl/ListFilters.h"
#include "contrib/crixctl/PodSandboxConfigFile.h"
#include "contrib/crixctl/PullProgressLine.h"
#include "contrib/crixctl/RegistryAuth.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

std::chrono::nanoseconds pullTimeout(const VerbContext& ctx) {
  const std::string text = ctx.options.valueOrEnv("pull-timeout");
  return text.empty() ? std::chrono::nanoseconds(0) : parseDuration(text);
}

int runPull(VerbContext& ctx) {
  const std::string image = ctx.args().empty() ? "" : ctx.args().front();
  if (image.empty()) throw crix::Error::invalidArgument("Image name cannot be empty");
  if (ctx.args().size() > 1) return ctx.showHelp();

  ctx.client.images();  // connect first, as crictl does, so a dead runtime is the error reported
  runtime::v1::PullImageRequest request;
  request.mutable_image()->set_image(image);
  if (const auto auth = registryAuth(ctx.options)) *request.mutable_auth() = *auth;
  if (ctx.options.isSet("pod-config")) {
    *request.mutable_sandbox_config() = withContext(
        "load podSandboxConfig", [&] { return loadPodSandboxConfig(ctx.options.value("pod-config")); });
  }
  setParsedLabels(*request.mutable_image()->mutable_annotations(), ctx.options.values("annotation"));
  const auto timeout = pullTimeout(ctx);
  if (timeout.count() < 0) throw crix::Error::invalidArgument("timeout should be bigger than 0");

  std::string imageRef;
  try {
    PullProgressLine progress(image);
    PullProgressSink sink;
    if (progress.enabled()) sink = [&progress](const crix::v1::PullImageProgress& p) { progress.update(p); };
    imageRef = pullImage(ctx.client, request, timeout, sink);
  } catch (const crix::Error& e) {
    throw wrapError("pulling image", e);
  }
  std::cout << "Image is up to date for " << imageRef << "\n";
  return 0;
}

}  // namespace

Verb makePullVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "pull",
      .usage = "Pull an image from a registry",
      .argsUsage = "NAME[:TAG|@DIGEST]",
      .options = optionsOf({
          registryAuthOptions("Use `USERNAME` for accessing the registry. The password is asked for on the terminal, "
                              "or read as one line from stdin when that is not a terminal"),
          {
              {.name = "pod-config",
               .kind = Kind::Value,
               .usage = "Use `pod-config.[json|yaml]` to override the pull context"},
              {.name = "annotation",
               .shortName = "a",
               .kind = Kind::List,
               .usage = "Annotation to be set on the pulled image",
               .splitCommas = true},
              {.name = "pull-timeout",
               .kind = Kind::Value,
               .usage = "Maximum time to be used for pulling the image, disabled if set to 0s",
               .defaultValue = "0s",
               .envVar = "CRICTL_PULL_TIMEOUT",
               .quoteDefault = false,
               .longAliases = {"pt"}},
          },
      }),
      .run = runPull,
  };
}

}  // namespace crixctl

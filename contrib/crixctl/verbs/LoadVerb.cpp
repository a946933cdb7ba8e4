// `crixctl load FILE`: crix-only (crictl has no such verb). Has crix import
// an OCI image layout tar or a `docker save` tar that is a file on the node,
// and prints "Loaded image: <name>" for each name it got (the image ID for
// an image without one), as `docker load` prints.
#include <filesystem>
#include <iostream>

#include "contrib/crixctl/Help.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

int runLoad(VerbContext& ctx) {
  if (ctx.args().empty()) return ctx.showHelp();
  // Flags after the file are read too ("load app.tar --name app:1"): the
  // usual parser stops at the first argument.
  const std::vector<std::string> rest(ctx.args().begin() + 1, ctx.args().end());
  std::vector<OptionSpec> specs = ctx.verb.options;
  specs.push_back(helpOption());
  const ParsedOptions late = parseOptions(specs, rest);
  if (late.flag("help") || !late.args().empty()) return ctx.showHelp();
  const std::string name = late.isSet("name") ? late.value("name") : ctx.options.value("name");

  crix::v1::LoadImageRequest request;
  // The daemon reads the file itself, from its own working directory.
  request.set_path(std::filesystem::absolute(ctx.args().front()).lexically_normal().string());
  request.set_name(name);

  auto& transfer = ctx.client.transfer();
  crix::v1::LoadImageResponse response;
  try {
    // No deadline: a large archive takes as long as it takes to unpack.
    response = ctx.client.call(transfer, &CriClient::TransferStub::LoadImage, request, std::chrono::nanoseconds(0));
  } catch (const crix::Error& e) {
    if (e.code() == crix::StatusCode::Unimplemented)
      throw wrapError("loading image: the runtime does not offer crix.v1.ImageTransfer (load works with crix only)",
                      e);
    throw wrapError("loading image", e);
  }
  for (const auto& image : response.images()) {
    if (image.repo_tags().empty()) {
      std::cout << "Loaded image: " << image.id() << "\n";
      continue;
    }
    for (const auto& tag : image.repo_tags()) std::cout << "Loaded image: " << tag << "\n";
  }
  return 0;
}

}  // namespace

Verb makeLoadVerb() {
  return Verb{
      .name = "load",
      .usage = "Load images from an OCI layout or docker save archive on the node (crix only)",
      .argsUsage = "FILE",
      .options =
          {
              {.name = "name",
               .kind = OptionSpec::Kind::Value,
               .usage = "Name the image `NAME[:TAG]` when the archive does not name it, or holds just one image"},
          },
      .run = runLoad,
  };
}

}  // namespace crixctl

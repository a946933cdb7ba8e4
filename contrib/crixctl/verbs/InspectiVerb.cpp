// `crixctl inspecti IMAGE-ID...`: each image's status merged with the
// runtime's verbose details (for crix: imageSpec, chainIDs, manifestDigest)
// into one JSON or YAML document, or crictl's "Key: value" lines with -o table.
#include <iostream>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/ProtoJson.h"
#include "contrib/crixctl/StatusInspection.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

runtime::v1::ImageStatusResponse imageStatus(CriClient& client, const std::string& image, bool verbose) {
  runtime::v1::ImageStatusRequest request;
  request.mutable_image()->set_image(image);
  request.set_verbose(verbose);
  auto response = withContext("image status for \"" + image + "\" request", [&] {
    return client.call(client.images(), &CriClient::ImageStub::ImageStatus, request);
  });
  if (!response.has_image()) throw crix::Error::notFound("no such image \"" + image + "\" present");
  return response;
}

void printLines(const runtime::v1::ImageStatusResponse& response) {
  const auto& image = response.image();
  std::cout << "ID: " << image.id() << "\n";
  for (const auto& tag : image.repo_tags()) std::cout << "Tag: " << tag << "\n";
  for (const auto& digest : image.repo_digests()) std::cout << "Digest: " << digest << "\n";
  std::cout << "Size: " << humanSizeWithPrecision(static_cast<double>(image.size()), 3) << "\n";
}

int runInspecti(VerbContext& ctx) {
  if (ctx.args().empty()) return ctx.showHelp();
  ctx.client.images();  // connect first, as crictl does, so a dead runtime is the error reported
  return inspectEach<runtime::v1::ImageStatusResponse>(
      ctx, ctx.args(),
      {.fetch = [&ctx](const std::string& image, bool verbose) { return imageStatus(ctx.client, image, verbose); },
       .statusJson = [](const auto& response) { return protoToSortedJson(response.image()); },
       .printLines = printLines});
}

}  // namespace

Verb makeInspectiVerb() {
  return Verb{
      .name = "inspecti",
      .usage = "Return the status of one or more images",
      .argsUsage = "IMAGE-ID [IMAGE-ID...]",
      .options = statusOutputOptions(),
      .run = runInspecti,
  };
}

}  // namespace crixctl

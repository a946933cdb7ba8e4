// `crixctl inspecti IMAGE-ID...`: each image's status merged with the
// runtime's verbose details (for crix: imageSpec, chainIDs, manifestDigest)
// into one JSON or YAML document, or crictl's "Key: value" lines with -o table.
#include <iostream>
#include <map>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/ProtoJson.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

// Go's %v of a map[string]string: map[k1:v1 k2:v2], keys sorted.
std::string goMapText(const google::protobuf::Map<std::string, std::string>& map) {
  const std::map<std::string, std::string> sorted(map.begin(), map.end());
  std::string out = "map[";
  bool first = true;
  for (const auto& [key, value] : sorted) {
    if (!first) out += " ";
    out += key + ":" + value;
    first = false;
  }
  return out + "]";
}

void printStatusLines(const runtime::v1::ImageStatusResponse& response, bool verbose) {
  const auto& image = response.image();
  std::cout << "ID: " << image.id() << "\n";
  for (const auto& tag : image.repo_tags()) std::cout << "Tag: " << tag << "\n";
  for (const auto& digest : image.repo_digests()) std::cout << "Digest: " << digest << "\n";
  std::cout << "Size: " << humanSizeWithPrecision(static_cast<double>(image.size()), 3) << "\n";
  if (verbose) std::cout << "Info: " << goMapText(response.info()) << "\n";
}

int runInspecti(VerbContext& ctx) {
  if (ctx.args().empty()) return ctx.showHelp();
  auto& images = ctx.client.images();

  const bool verbose = !ctx.options.flag("quiet");
  std::string format = ctx.options.value("output");
  if (format.empty()) format = "json";
  if (format == "go-template") throw crix::Error::unimplemented("crixctl does not support go-template output yet");

  std::vector<StatusData> statuses;
  for (const auto& id : ctx.args()) {
    runtime::v1::ImageStatusRequest request;
    request.mutable_image()->set_image(id);
    request.set_verbose(verbose);
    runtime::v1::ImageStatusResponse response;
    try {
      response = ctx.client.call(images, &CriClient::ImageStub::ImageStatus, request);
    } catch (const crix::Error& e) {
      throw wrapError("image status for \"" + id + "\" request", e);
    }
    if (!response.has_image()) throw crix::Error::notFound("no such image \"" + id + "\" present");

    if (format == "table") {
      printStatusLines(response, verbose);
      continue;
    }
    StatusData data;
    data.status = protoToSortedJson(response.image());
    data.info.insert(response.info().begin(), response.info().end());
    statuses.push_back(std::move(data));
  }
  printStatusData(statuses, format);
  return 0;
}

}  // namespace

Verb makeInspectiVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "inspecti",
      .usage = "Return the status of one or more images",
      .argsUsage = "IMAGE-ID [IMAGE-ID...]",
      .options =
          {
              {.name = "output",
               .shortName = "o",
               .kind = Kind::Value,
               .usage = "Output format, One of: json|yaml|table (go-template is not supported yet)"},
              {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "Do not show verbose information"},
              {.name = "template",
               .kind = Kind::Value,
               .usage = "The template string is only used when output is go-template; The Template format is "
                        "golang template"},
          },
      .run = runInspecti,
  };
}

}  // namespace crixctl

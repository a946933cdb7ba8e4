// `crixctl images [REPOSITORY[:TAG]]`: the runtime's images as crictl lists
// them: a table (IMAGE, TAG, [DIGEST,] IMAGE ID, SIZE, [PINNED]) with one row
// per tag, bare IDs with -q, "Key: value" blocks with -v, or the
// ListImagesResponse as JSON or YAML.
#include <iostream>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/ImageFilter.h"
#include "contrib/crixctl/ImageNames.h"
#include "contrib/crixctl/Output.h"
#include "contrib/crixctl/TableWriter.h"
#include "contrib/crixctl/TruncatedId.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

using Images = std::vector<runtime::v1::Image>;

struct TableChoices {
  bool digests = false;
  bool pinned = false;
  bool noTrunc = false;
};

void printTable(const Images& images, const TableChoices& choose) {
  TableWriter table = TableWriter::crictlTable();
  std::vector<std::string> header = {"IMAGE", "TAG"};
  if (choose.digests) header.push_back("DIGEST");
  header.insert(header.end(), {"IMAGE ID", "SIZE"});
  if (choose.pinned) header.push_back("PINNED");
  table.addRow(header);

  for (const auto& image : images) {
    std::string digest = firstRepoDigest(image).digest;
    std::string id = image.id();
    if (!choose.noTrunc) {
      id = truncatedId(id, "sha256:");
      digest = truncatedId(digest, "sha256:");
    }
    const std::string size = humanSizeWithPrecision(static_cast<double>(image.size()), 3);
    for (const auto& [repository, tag] : repoTagPairs(image)) {
      std::vector<std::string> row = {repository, tag};
      if (choose.digests) row.push_back(digest);
      row.insert(row.end(), {id, size});
      if (choose.pinned) row.push_back(image.pinned() ? "true" : "false");
      table.addRow(row);
    }
  }
  std::cout << table.render();
}

// Go's %v of the CRI's Int64Value, which prints through its generated String().
std::string goInt64Value(const runtime::v1::Int64Value& value) {
  return "&Int64Value{Value:" + std::to_string(value.value()) + ",}";
}

void printVerbose(const Images& images) {
  for (const auto& image : images) {
    std::cout << "ID: " << image.id() << "\n";
    for (const auto& tag : image.repo_tags()) std::cout << "RepoTags: " << tag << "\n";
    for (const auto& digest : image.repo_digests()) std::cout << "RepoDigests: " << digest << "\n";
    if (image.size() != 0) std::cout << "Size: " << image.size() << "\n";
    if (image.has_uid()) std::cout << "Uid: " << goInt64Value(image.uid()) << "\n";
    if (!image.username().empty()) std::cout << "Username: " << image.username() << "\n";
    if (image.pinned()) std::cout << "Pinned: true\n";
    std::cout << "\n";
  }
}

int runImages(VerbContext& ctx) {
  if (ctx.args().size() > 1) return ctx.showHelp();

  auto& images = ctx.client.images();
  runtime::v1::ListImagesRequest request;
  // crictl always sends the filter; an empty name means every image.
  request.mutable_filter()->mutable_image()->set_image(ctx.args().empty() ? "" : ctx.args().front());
  runtime::v1::ListImagesResponse response;
  try {
    response = ctx.client.call(images, &CriClient::ImageStub::ListImages, request);
  } catch (const crix::Error& e) {
    throw wrapError("listing images", e);
  }

  Images list(response.images().begin(), response.images().end());
  sortImagesByRef(list);
  const auto filters = ctx.options.values("filter");
  if (!filters.empty() && !list.empty()) {
    try {
      list = filterImages(std::move(list), filters);
    } catch (const crix::Error& e) {
      throw wrapError("listing images", e);
    }
  }

  const std::string format = ctx.options.value("output");
  if (format == "json" || format == "yaml") {
    response.clear_images();
    for (auto& image : list) *response.add_images() = std::move(image);
    if (format == "json") {
      printProtoAsJson(response);
    } else {
      printProtoAsYaml(response);
    }
    return 0;
  }
  // Anything else, "table" included, is the table, as with crictl.
  if (ctx.options.flag("quiet")) {
    for (const auto& image : list) std::cout << image.id() << "\n";
  } else if (ctx.options.flag("verbose")) {
    printVerbose(list);
  } else {
    printTable(list, {.digests = ctx.options.flag("digests"),
                      .pinned = ctx.options.flag("pinned"),
                      .noTrunc = ctx.options.flag("no-trunc")});
  }
  return 0;
}

}  // namespace

Verb makeImagesVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "images",
      .aliases = {"image", "img"},
      .usage = "List images",
      .argsUsage = "[REPOSITORY[:TAG]]",
      .options =
          {
              {.name = "verbose", .shortName = "v", .kind = Kind::Bool, .usage = "Show verbose info for images"},
              {.name = "quiet", .shortName = "q", .kind = Kind::Bool, .usage = "Only show image IDs"},
              {.name = "filter",
               .shortName = "f",
               .kind = Kind::List,
               .usage = "Filter output based on provided conditions.\n"
                        "Available filters: \n"
                        "* dangling=(boolean - true or false)\n"
                        "* reference=/regular expression/\n"
                        "* before=<image-name>[:<tag>]|<image id>|<image@digest>\n"
                        "* since=<image-name>[:<tag>]|<image id>|<image@digest>\n"
                        "Multiple filters can be combined together.",
               .splitCommas = true},
              {.name = "output", .shortName = "o", .kind = Kind::Value, .usage = "Output format, One of: json|yaml|table"},
              {.name = "digests", .kind = Kind::Bool, .usage = "Show digests"},
              {.name = "no-trunc", .kind = Kind::Bool, .usage = "Show output without truncating the ID"},
              {.name = "pinned", .kind = Kind::Bool, .usage = "Show whether the image is pinned or not"},
          },
      .run = runImages,
  };
}

}  // namespace crixctl

// `crixctl imagefsinfo`: where the runtime keeps images and container
// layers, and how much they use: ImageFsInfoResponse under "status" as JSON
// or YAML, or crictl's indexed "Key[i]: value" lines with -o table.
#include <iostream>

#include "contrib/crixctl/HumanSize.h"
#include "contrib/crixctl/ProtoJson.h"
#include "contrib/crixctl/StatusOutput.h"
#include "contrib/crixctl/Verb.h"
#include "core/Error.h"

namespace crixctl {
namespace {

void printFilesystems(const std::string& label,
                      const google::protobuf::RepeatedPtrField<runtime::v1::FilesystemUsage>& filesystems) {
  // crictl's heading has the trailing space too.
  std::cout << label << " Filesystem \n";
  int i = 0;
  for (const auto& fs : filesystems) {
    std::cout << "TimeStamp[" << i << "]: " << fs.timestamp() << "\n"
              << "Disk[" << i << "]: " << humanSize(static_cast<double>(fs.used_bytes().value())) << "\n"
              << "Inodes[" << i << "]: " << fs.inodes_used().value() << "\n"
              << "Mountpoint[" << i << "]: " << fs.fs_id().mountpoint() << "\n";
    ++i;
  }
}

int runImageFsInfo(VerbContext& ctx) {
  auto& images = ctx.client.images();
  std::string format = ctx.options.value("output");
  if (format.empty()) format = "json";
  if (format == "go-template") throw crix::Error::unimplemented("crixctl does not support go-template output yet");

  runtime::v1::ImageFsInfoResponse response;
  try {
    response = ctx.client.call(images, &CriClient::ImageStub::ImageFsInfo, runtime::v1::ImageFsInfoRequest{});
  } catch (const crix::Error& e) {
    throw wrapError("image filesystem info request", e);
  }
  if (format == "table") {
    printFilesystems("Container", response.container_filesystems());
    printFilesystems("Image", response.image_filesystems());
    return 0;
  }
  StatusData data;
  data.status = protoToSortedJson(response);
  printStatusData({data}, format);
  return 0;
}

}  // namespace

Verb makeImageFsInfoVerb() {
  using Kind = OptionSpec::Kind;
  return Verb{
      .name = "imagefsinfo",
      .usage = "Return image filesystem info",
      .options =
          {
              {.name = "output",
               .shortName = "o",
               .kind = Kind::Value,
               .usage = "Output format, One of: json|yaml|table (go-template is not supported yet)"},
              {.name = "template",
               .kind = Kind::Value,
               .usage = "The template string is only used when output is go-template; The Template format is "
                        "golang template"},
          },
      .run = runImageFsInfo,
  };
}

}  // namespace crixctl

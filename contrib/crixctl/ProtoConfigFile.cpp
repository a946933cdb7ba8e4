#include "contrib/crixctl/ProtoConfigFile.h"

#include <google/protobuf/util/json_util.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "contrib/crixctl/YamlToJson.h"
#include "core/Error.h"

namespace crixctl {
namespace {

std::string readText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) throw crix::Error::notFound("config at " + path + " not found");
    throw crix::Error::fromErrno("open " + path, errno);
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

void readProtoConfigFile(const std::string& path, google::protobuf::Message& message) {
  const nlohmann::json document = yamlToJson(readText(path));
  if (document.is_null()) return;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(document.dump(), &message, options);
  if (!status.ok()) throw crix::Error::invalidArgument(std::string(status.message()));
}

}  // namespace crixctl

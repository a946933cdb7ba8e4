#include "storage/registry/ImageConfig.h"

#include "core/Error.h"
#include "storage/registry/JsonFields.h"

namespace crix::registry {

using digest::Digest;

namespace jf = jsonfields;

namespace {

ImageRuntimeConfig parseRuntimeConfig(const nlohmann::json& object) {
  const std::string what = "image config \"config\"";
  if (!object.is_object()) throw Error::invalidArgument(what + " must be an object");
  return ImageRuntimeConfig{
      .user = jf::optionalString(object, "User", what),
      .env = jf::optionalStringArray(object, "Env", what),
      .entrypoint = jf::optionalStringArray(object, "Entrypoint", what),
      .cmd = jf::optionalStringArray(object, "Cmd", what),
      .workingDir = jf::optionalString(object, "WorkingDir", what),
      .labels = jf::optionalStringMap(object, "Labels", what),
      .stopSignal = jf::optionalString(object, "StopSignal", what),
      .exposedPorts = jf::optionalObjectKeys(object, "ExposedPorts", what),
      .volumes = jf::optionalObjectKeys(object, "Volumes", what),
  };
}

std::vector<ImageHistoryEntry> parseHistory(const nlohmann::json& array) {
  if (!array.is_array()) throw Error::invalidArgument("image config: field \"history\" must be an array");
  std::vector<ImageHistoryEntry> out;
  out.reserve(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    const std::string what = "image config history[" + std::to_string(i) + "]";
    const auto& item = array[i];
    if (!item.is_object()) throw Error::invalidArgument(what + " must be an object");
    ImageHistoryEntry entry{.created = jf::optionalString(item, "created", what),
                            .createdBy = jf::optionalString(item, "created_by", what),
                            .author = jf::optionalString(item, "author", what),
                            .comment = jf::optionalString(item, "comment", what)};
    if (const auto* empty = jf::find(item, "empty_layer")) {
      if (!empty->is_boolean()) throw Error::invalidArgument(what + ": field \"empty_layer\" must be a boolean");
      entry.emptyLayer = empty->get<bool>();
    }
    out.push_back(std::move(entry));
  }
  return out;
}

std::vector<Digest> parseRootfs(const nlohmann::json& object) {
  const std::string what = "image config rootfs";
  if (!object.is_object()) throw Error::invalidArgument(what + " must be an object");
  const std::string type = jf::requiredString(object, "type", what);
  if (type != "layers") throw Error::invalidArgument(what + ": type must be \"layers\", not \"" + type + "\"");
  std::vector<Digest> ids;
  for (const std::string& text : jf::optionalStringArray(object, "diff_ids", what)) {
    try {
      ids.push_back(Digest::parse(text));
    } catch (const Error& e) {
      throw Error::invalidArgument(what + " diff_ids: " + e.what());
    }
  }
  return ids;
}

}  // namespace

ImageConfig parseImageConfig(std::string_view json) {
  const std::string what = "image config";
  const nlohmann::json doc = jf::parseObject(json, kMaxImageConfigBytes, what);
  ImageConfig config;
  config.architecture = jf::requiredString(doc, "architecture", what);
  config.os = jf::requiredString(doc, "os", what);
  config.variant = jf::optionalString(doc, "variant", what);
  config.osVersion = jf::optionalString(doc, "os.version", what);
  config.created = jf::optionalString(doc, "created", what);
  config.author = jf::optionalString(doc, "author", what);
  if (const auto* runtime = jf::find(doc, "config")) config.config = parseRuntimeConfig(*runtime);
  const auto* rootfs = jf::find(doc, "rootfs");
  if (!rootfs) throw Error::invalidArgument(what + ": field \"rootfs\" is missing");
  config.diffIds = parseRootfs(*rootfs);
  if (const auto* history = jf::find(doc, "history")) config.history = parseHistory(*history);
  return config;
}

}  // namespace crix::registry

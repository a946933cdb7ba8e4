#include "contrib/crixctl/ProtoJson.h"

#include <google/protobuf/util/json_util.h>

#include "core/Error.h"

namespace crixctl {

nlohmann::ordered_json protoToJson(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string text;
  const auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok()) {
    throw crix::Error::internal("marshal " + message.GetDescriptor()->name() + " to JSON: " +
                                std::string(status.message()));
  }
  return nlohmann::ordered_json::parse(text);
}

nlohmann::json protoToSortedJson(const google::protobuf::Message& message) {
  return nlohmann::json::parse(protoToJson(message).dump());
}

std::string protoToJsonText(const google::protobuf::Message& message) { return protoToJson(message).dump(2); }

}  // namespace crixctl

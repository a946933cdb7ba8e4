#include "cri/state/ProtoText.h"

#include <google/protobuf/util/json_util.h>

#include "core/Error.h"

namespace crix::cri {

std::string protoToJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  const auto status = google::protobuf::util::MessageToJsonString(message, &out, options);
  if (!status.ok()) throw Error::internal("encode " + message.GetTypeName() + ": " + status.ToString());
  return out;
}

void protoFromJson(const std::string& json, google::protobuf::Message* message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  const auto status = google::protobuf::util::JsonStringToMessage(json, message, options);
  if (!status.ok()) throw Error::dataLoss("decode " + message->GetTypeName() + ": " + status.ToString());
}

}  // namespace crix::cri

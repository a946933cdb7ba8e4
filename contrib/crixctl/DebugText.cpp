#include "contrib/crixctl/DebugText.h"

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string_view>
#include <vector>

namespace crixctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool isSecret(std::string_view messageName, std::string_view field) {
  return messageName == "AuthConfig" &&
         (field == "password" || field == "auth" || field == "identity_token" || field == "registry_token");
}

void redact(Message& message) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const auto* field : fields) {
    if (isSecret(message.GetDescriptor()->name(), field->name())) {
      reflection->SetString(&message, field, "<redacted>");
      continue;
    }
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, field); ++i) {
        redact(*reflection->MutableRepeatedMessage(&message, field, i));
      }
    } else {
      redact(*reflection->MutableMessage(&message, field));
    }
  }
}

}  // namespace

std::string debugText(const Message& message) {
  std::unique_ptr<Message> copy(message.New());
  copy->CopyFrom(message);
  redact(*copy);
  return copy->GetDescriptor()->name() + "{" + copy->ShortDebugString() + "}";
}

}  // namespace crixctl

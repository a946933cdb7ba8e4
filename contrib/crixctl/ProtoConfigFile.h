// Pod and container config files as crictl reads them (its YAML-or-JSON
// decoder): YAML or JSON, field names in snake_case (the proto's) or
// lowerCamelCase, unknown fields ignored.
#pragma once

#include <google/protobuf/message.h>

#include <string>

namespace crixctl {

// Fills `message` from the file at `path`; an empty document leaves it
// empty. Throws crix::Error: NotFound "config at PATH not found" when the
// file is missing, InvalidArgument when it is not YAML or does not fit the
// message.
void readProtoConfigFile(const std::string& path, google::protobuf::Message& message);

}  // namespace crixctl

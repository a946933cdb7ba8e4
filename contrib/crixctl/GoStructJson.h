// A protobuf message as Go's encoding/json renders the generated Go struct,
// which is what crictl does for a few fields (runtimeHandlers, features in
// `info`) that it marshals without protojson: snake_case proto names, zero
// values omitted ("omitempty"), enums as numbers, 64-bit integers as numbers.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>

namespace crixctl {

nlohmann::json goStructJson(const google::protobuf::Message& message);

}  // namespace crixctl

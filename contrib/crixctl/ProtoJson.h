// Protobuf messages as JSON the way crictl prints them: Go's protojson with
// EmitDefaultValues, i.e. lowerCamelCase names, zero scalars and empty lists
// kept, unset sub-messages left out, 64-bit integers as strings, enums by name.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>

namespace crixctl {

// Keys stay in field-number order, as protojson writes them.
nlohmann::ordered_json protoToJson(const google::protobuf::Message& message);

// The same with keys sorted, as crictl gets it after decoding protojson
// into a Go map (info, inspect).
nlohmann::json protoToSortedJson(const google::protobuf::Message& message);

// protoToJson, indented by two spaces (crictl's outputProtobufObjAsJSON).
std::string protoToJsonText(const google::protobuf::Message& message);

}  // namespace crixctl

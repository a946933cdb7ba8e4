// Printing results to stdout in the formats crictl's `-o` offers.
#pragma once

#include <google/protobuf/message.h>

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace crixctl {

// crictl's outputProtobufObjAsJSON: protojson, 2-space indent, field order.
void printProtoAsJson(const google::protobuf::Message& message);
// crictl's outputProtobufObjAsYAML: the same JSON as YAML, plus the blank
// line crictl's Println leaves after the document.
void printProtoAsYaml(const google::protobuf::Message& message);
// One of the two by `format`, "json" or "yaml" (the caller has checked it).
void printProtoAs(const google::protobuf::Message& message, std::string_view format);

// Go's json.Marshal + json.Indent of a map: keys sorted, two-space indent,
// and <, >, & (and U+2028/9) escaped as \u003c etc. like Go does.
std::string goJsonText(const nlohmann::json& value);

void printYaml(const nlohmann::json& value);

// Numbers as they come out of Go's json.Unmarshal-into-any and Marshal
// round trip, which crictl puts the runtime's info through: a float with an
// integral value prints as an integer (1e6 -> 1000000, 2.0 -> 2).
void normalizeGoNumbers(nlohmann::json& value);

}  // namespace crixctl

#include "contrib/crixctl/Output.h"

#include <cmath>
#include <cstdint>
#include <iostream>

#include "contrib/crixctl/JsonToYaml.h"
#include "contrib/crixctl/ProtoJson.h"

namespace crixctl {

void printProtoAsJson(const google::protobuf::Message& message) { std::cout << protoToJsonText(message) << "\n"; }

void printProtoAsYaml(const google::protobuf::Message& message) {
  printYaml(protoToSortedJson(message));
}

void printProtoAs(const google::protobuf::Message& message, std::string_view format) {
  format == "json" ? printProtoAsJson(message) : printProtoAsYaml(message);
}

std::string goJsonText(const nlohmann::json& value) {
  const std::string text = value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

void normalizeGoNumbers(nlohmann::json& value) {
  if (value.is_structured()) {
    for (auto& child : value) normalizeGoNumbers(child);
    return;
  }
  if (!value.is_number_float()) return;
  const double f = value.get<double>();
  // Within int64, where the conversion is exact; Go uses exponents from 1e21.
  if (std::fabs(f) < 9.2e18 && f == std::trunc(f)) value = static_cast<std::int64_t>(f);
}

void printYaml(const nlohmann::json& value) { std::cout << jsonToYaml(value) << "\n"; }

}  // namespace crixctl

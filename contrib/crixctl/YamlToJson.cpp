#include "contrib/crixctl/YamlToJson.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <regex>

#include "core/Error.h"

namespace crixctl {
namespace {

std::optional<bool> yamlBool(const std::string& s) {
  static const char* const truthy[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const char* const falsy[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  for (const char* t : truthy)
    if (s == t) return true;
  for (const char* f : falsy)
    if (s == f) return false;
  return std::nullopt;
}

nlohmann::json plainScalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (const auto b = yamlBool(s)) return *b;

  std::string digits = s;
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  if (digits.empty()) return s;
  std::int64_t i = 0;
  const char* begin = digits.data() + (digits.front() == '+' ? 1 : 0);
  const char* end = digits.data() + digits.size();
  if (auto [p, ec] = std::from_chars(begin, end, i); ec == std::errc() && p == end) return i;
  std::uint64_t u = 0;
  if (auto [p, ec] = std::from_chars(begin, end, u); ec == std::errc() && p == end) return u;

  static const std::regex floating(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(digits, floating)) return std::strtod(digits.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -HUGE_VAL;
  return s;
}

nlohmann::json convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return nullptr;
    case YAML::NodeType::Scalar:
      // A quoted scalar is tagged "!"; only plain ones are typed by their look.
      return node.Tag() == "!" ? nlohmann::json(node.Scalar()) : plainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& entry : node) out[entry.first.as<std::string>()] = convert(entry.second);
      return out;
    }
  }
  return nullptr;
}

}  // namespace

nlohmann::json yamlToJson(const std::string& text) {
  try {
    return convert(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw crix::Error::invalidArgument("error converting YAML to JSON: " + std::string(e.what()));
  }
}

}  // namespace crixctl

#include "storage/registry/JsonFields.h"

#include "core/Error.h"

namespace crix::registry::jsonfields {

namespace {

Error wrongType(const std::string& what, const char* key, const char* expected) {
  return Error::invalidArgument(what + ": field \"" + key + "\" must be " + expected);
}

}  // namespace

nlohmann::json parseObject(std::string_view bytes, std::size_t maxBytes, const std::string& what) {
  if (bytes.size() > maxBytes) {
    throw Error::invalidArgument(what + " is " + std::to_string(bytes.size()) + " bytes, larger than the limit of " +
                                 std::to_string(maxBytes));
  }
  nlohmann::json doc = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) throw Error::invalidArgument(what + " is not valid JSON");
  if (!doc.is_object()) throw Error::invalidArgument(what + " must be a JSON object");
  return doc;
}

const nlohmann::json* find(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::string requiredString(const nlohmann::json& object, const char* key, const std::string& what) {
  const auto* value = find(object, key);
  if (!value) throw Error::invalidArgument(what + ": field \"" + key + "\" is missing");
  if (!value->is_string()) throw wrongType(what, key, "a string");
  return value->get<std::string>();
}

std::string optionalString(const nlohmann::json& object, const char* key, const std::string& what) {
  const auto* value = find(object, key);
  if (!value) return {};
  if (!value->is_string()) throw wrongType(what, key, "a string");
  return value->get<std::string>();
}

std::int64_t requiredSize(const nlohmann::json& object, const char* key, const std::string& what) {
  const auto* value = find(object, key);
  if (!value) throw Error::invalidArgument(what + ": field \"" + key + "\" is missing");
  if (value->is_number_unsigned()) {
    const auto v = value->get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(INT64_MAX)) throw wrongType(what, key, "a non-negative 64-bit integer");
    return static_cast<std::int64_t>(v);
  }
  if (value->is_number_integer()) {
    const auto v = value->get<std::int64_t>();
    if (v < 0) throw Error::invalidArgument(what + ": field \"" + key + "\" is negative");
    return v;
  }
  throw wrongType(what, key, "a non-negative integer");
}

std::vector<std::string> optionalStringArray(const nlohmann::json& object, const char* key, const std::string& what) {
  const auto* value = find(object, key);
  if (!value) return {};
  if (!value->is_array()) throw wrongType(what, key, "an array of strings");
  std::vector<std::string> out;
  out.reserve(value->size());
  for (const auto& item : *value) {
    if (!item.is_string()) throw wrongType(what, key, "an array of strings");
    out.push_back(item.get<std::string>());
  }
  return out;
}

std::map<std::string, std::string> optionalStringMap(const nlohmann::json& object, const char* key,
                                                     const std::string& what) {
  const auto* value = find(object, key);
  if (!value) return {};
  if (!value->is_object()) throw wrongType(what, key, "an object of strings");
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : value->items()) {
    if (!v.is_string()) throw wrongType(what, key, "an object of strings");
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

std::vector<std::string> optionalObjectKeys(const nlohmann::json& object, const char* key, const std::string& what) {
  const auto* value = find(object, key);
  if (!value) return {};
  if (!value->is_object()) throw wrongType(what, key, "an object");
  std::vector<std::string> out;
  for (const auto& item : value->items()) out.push_back(item.key());
  return out;
}

}  // namespace crix::registry::jsonfields

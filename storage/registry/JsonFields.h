// Strict accessors for untrusted JSON (manifests, configs, auth files, token
// responses): a field of the wrong type is an InvalidArgument naming the
// document and field, never a nlohmann exception or a silent default.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace crix::registry::jsonfields {

// Parses `bytes` (at most `maxBytes`) and requires a JSON object at the top.
nlohmann::json parseObject(std::string_view bytes, std::size_t maxBytes, const std::string& what);

// nullptr when the member is absent or null.
const nlohmann::json* find(const nlohmann::json& object, const char* key);

std::string requiredString(const nlohmann::json& object, const char* key, const std::string& what);
std::string optionalString(const nlohmann::json& object, const char* key, const std::string& what);
std::int64_t requiredSize(const nlohmann::json& object, const char* key, const std::string& what);
std::vector<std::string> optionalStringArray(const nlohmann::json& object, const char* key, const std::string& what);
std::map<std::string, std::string> optionalStringMap(const nlohmann::json& object, const char* key,
                                                     const std::string& what);
// Keys of an object-valued member, e.g. ExposedPorts {"80/tcp": {}}.
std::vector<std::string> optionalObjectKeys(const nlohmann::json& object, const char* key, const std::string& what);

}  // namespace crix::registry::jsonfields

#include "netns/cni/CniNetworkList.h"

#include <array>

#include "core/Error.h"

namespace crix::netns::cni {

namespace {

using nlohmann::json;

constexpr std::array kVersions = {"0.1.0", "0.2.0", "0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"};

[[noreturn]] void invalid(const std::string& source, const std::string& what) {
  throw Error::invalidArgument("CNI configuration " + source + ": " + what);
}

std::string stringField(const json& object, const char* key, const std::string& source) {
  const auto it = object.find(key);
  if (it == object.end()) return {};
  if (!it->is_string()) invalid(source, std::string("\"") + key + "\" must be a string");
  return it->get<std::string>();
}

void checkPlugin(const json& plugin, std::size_t index, const std::string& source) {
  const std::string where = "plugin " + std::to_string(index);
  if (!plugin.is_object()) invalid(source, where + " is not a JSON object");
  const std::string type = stringField(plugin, "type", source);
  if (type.empty()) invalid(source, where + " has no \"type\"");
  // The type names an executable in the plugin directories; a path would
  // let a configuration run any program on the node.
  if (type.find('/') != std::string::npos || type == "." || type == "..")
    invalid(source, where + " has type \"" + type + "\", which is not a plugin name");
}

}  // namespace

bool isSupportedCniVersion(std::string_view version) {
  for (const char* v : kVersions)
    if (version == v) return true;
  return false;
}

bool supportsCheck(std::string_view version) {
  return version == "0.4.0" || version == "1.0.0" || version == "1.1.0";
}

CniNetworkList parseNetworkList(std::string_view text, const std::string& source, bool singlePlugin) {
  json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) invalid(source, "not valid JSON");
  if (!doc.is_object()) invalid(source, "not a JSON object");

  CniNetworkList list;
  list.source = source;
  list.name = stringField(doc, "name", source);
  list.cniVersion = stringField(doc, "cniVersion", source);
  if (list.name.empty()) invalid(source, "no network \"name\"");
  if (list.cniVersion.empty()) invalid(source, "no \"cniVersion\"");
  if (!isSupportedCniVersion(list.cniVersion))
    invalid(source, "cniVersion \"" + list.cniVersion + "\" is not one crix supports (0.1.0 to 1.1.0)");

  if (singlePlugin) {
    checkPlugin(doc, 0, source);
    list.plugins.push_back(std::move(doc));
    return list;
  }
  if (const auto it = doc.find("disableCheck"); it != doc.end()) {
    if (!it->is_boolean()) invalid(source, "\"disableCheck\" must be true or false");
    list.disableCheck = it->get<bool>();
  }
  const auto plugins = doc.find("plugins");
  if (plugins == doc.end() || !plugins->is_array() || plugins->empty())
    invalid(source, "\"plugins\" must be a non-empty list");
  for (std::size_t i = 0; i < plugins->size(); ++i) {
    checkPlugin((*plugins)[i], i, source);
    list.plugins.push_back((*plugins)[i]);
  }
  return list;
}

nlohmann::json CniNetworkList::toJson() const {
  json doc = {{"cniVersion", cniVersion}, {"name", name}, {"plugins", plugins}};
  if (disableCheck) doc["disableCheck"] = true;
  return doc;
}

std::vector<std::string> CniNetworkList::pluginTypes() const {
  std::vector<std::string> types;
  for (const auto& p : plugins) types.push_back(p.value("type", ""));
  return types;
}

}  // namespace crix::netns::cni

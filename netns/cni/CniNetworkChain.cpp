#include "netns/cni/CniNetworkChain.h"

#include <exception>

#include "core/Error.h"
#include "core/Log.h"
#include "netns/cni/CniPluginCall.h"

namespace crix::netns::cni {

namespace {

using nlohmann::json;

// Chaining (prevResult) exists from 0.3.0 on; so do lists.
bool hasPrevResult(const std::string& version) { return version != "0.1.0" && version != "0.2.0"; }

json pluginConfig(const CniNetworkList& list, const json& plugin, const CniRuntimeConf& rt, const json& prevResult) {
  json config = plugin;
  config["name"] = list.name;
  config["cniVersion"] = list.cniVersion;
  config.erase("runtimeConfig");
  if (!prevResult.is_null() && hasPrevResult(list.cniVersion)) config["prevResult"] = prevResult;
  json runtimeConfig = json::object();
  if (const auto caps = plugin.find("capabilities"); caps != plugin.end() && caps->is_object()) {
    for (const auto& [name, wanted] : caps->items()) {
      if (!wanted.is_boolean() || !wanted.get<bool>()) continue;
      if (const auto arg = rt.capabilityArgs.find(name); arg != rt.capabilityArgs.end())
        runtimeConfig[name] = *arg;
    }
  }
  if (!runtimeConfig.empty()) config["runtimeConfig"] = std::move(runtimeConfig);
  return config;
}

CniPluginCall call(const char* command, const CniRuntimeConf& rt, const std::vector<std::string>& pluginDirs) {
  CniPluginCall c;
  c.command = command;
  c.containerId = rt.containerId;
  c.netnsPath = rt.netnsPath;
  c.ifName = rt.ifName;
  c.args = cniArgsString(rt.args);
  c.pluginDirs = pluginDirs;
  return c;
}

}  // namespace

std::string cniArgsString(const std::vector<std::pair<std::string, std::string>>& args) {
  std::string out;
  for (const auto& [key, value] : args) out += (out.empty() ? "" : ";") + key + "=" + value;
  return out;
}

json addNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt, const std::vector<std::string>& pluginDirs) {
  const CniPluginCall add = call("ADD", rt, pluginDirs);
  json result = nullptr;
  for (const auto& plugin : list.plugins) {
    json out = callPlugin(plugin.value("type", ""), add, pluginConfig(list, plugin, rt, result));
    if (out.is_null())
      throw Error(StatusCode::Unknown, "CNI plugin \"" + plugin.value("type", "") + "\" (ADD of network \"" +
                                           list.name + "\") printed no result");
    result = std::move(out);
  }
  return result;
}

void deleteNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt, const std::vector<std::string>& pluginDirs,
                       const json& addResult) {
  const CniPluginCall del = call("DEL", rt, pluginDirs);
  // Before 0.4.0 DEL got no prevResult.
  const json prev = supportsCheck(list.cniVersion) ? addResult : json(nullptr);
  std::exception_ptr first;
  for (auto it = list.plugins.rbegin(); it != list.plugins.rend(); ++it) {
    try {
      callPlugin(it->value("type", ""), del, pluginConfig(list, *it, rt, prev));
    } catch (const std::exception& e) {
      if (!first) first = std::current_exception();
      else log::warn(e.what());
    }
  }
  if (first) std::rethrow_exception(first);
}

void checkNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt, const std::vector<std::string>& pluginDirs,
                      const json& addResult) {
  if (!supportsCheck(list.cniVersion))
    throw Error::failedPrecondition("CNI network \"" + list.name + "\" has cniVersion " + list.cniVersion +
                                    ", which has no CHECK (0.4.0 and later do)");
  if (list.disableCheck)
    throw Error::failedPrecondition("CNI network \"" + list.name + "\" disables CHECK (disableCheck)");
  if (addResult.is_null())
    throw Error::failedPrecondition("CNI network \"" + list.name + "\" has no ADD result to CHECK against");
  const CniPluginCall check = call("CHECK", rt, pluginDirs);
  for (const auto& plugin : list.plugins)
    callPlugin(plugin.value("type", ""), check, pluginConfig(list, plugin, rt, addResult));
}

}  // namespace crix::netns::cni

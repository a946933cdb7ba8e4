// ADD, DEL and CHECK of a whole network configuration list, as libcni does
// it: each plugin gets its own configuration plus the list's name and
// cniVersion, the previous plugin's result as prevResult, and in
// runtimeConfig those capability arguments that it declares in its
// "capabilities" (portMappings, bandwidth, ipRanges, ...).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "netns/cni/CniNetworkList.h"

namespace crix::netns::cni {

struct CniRuntimeConf {
  std::string containerId;
  std::string netnsPath;
  std::string ifName = "eth0";
  std::vector<std::pair<std::string, std::string>> args;  // CNI_ARGS
  nlohmann::json capabilityArgs = nlohmann::json::object();
};

// Runs every plugin's ADD in order; returns the last plugin's result. On
// failure nothing is undone here (the caller runs DEL: it knows what to
// keep for it).
nlohmann::json addNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt,
                              const std::vector<std::string>& pluginDirs);

// Runs every plugin's DEL in reverse order, with the ADD result as
// prevResult where the version has it (null when ADD never finished). Goes
// on past a failing plugin so that the others still release what they
// hold, then throws the first error.
void deleteNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt,
                       const std::vector<std::string>& pluginDirs, const nlohmann::json& addResult);

// Runs every plugin's CHECK with the ADD result. FailedPrecondition when the
// list's version has no CHECK (before 0.4.0) or the list disables it.
void checkNetworkList(const CniNetworkList& list, const CniRuntimeConf& rt,
                      const std::vector<std::string>& pluginDirs, const nlohmann::json& addResult);

// "K=V;K=V" as CNI_ARGS wants it.
std::string cniArgsString(const std::vector<std::pair<std::string, std::string>>& args);

}  // namespace crix::netns::cni

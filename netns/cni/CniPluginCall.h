// One execution of a CNI plugin as the CNI spec defines it: the operation
// and the container's identity in CNI_* environment variables, the
// network configuration on stdin, a result or an error object on stdout.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace crix::netns::cni {

struct CniPluginCall {
  std::string command;      // ADD, DEL, CHECK, VERSION
  std::string containerId;  // the pod's ID
  std::string netnsPath;    // "" for VERSION (and for a DEL whose namespace is gone)
  std::string ifName = "eth0";
  std::string args;         // CNI_ARGS: "K=V;K=V"
  std::vector<std::string> pluginDirs;
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
};

// Runs the plugin named `type` (found in pluginDirs) with `config` on its
// stdin and returns what it printed, parsed (null when it printed nothing,
// as DEL and CHECK may). A plugin that fails gives an Error carrying its
// own message and details: code 11 ("try again later") is Unavailable, a
// plugin that is missing or rejects its configuration FailedPrecondition,
// anything else Unknown.
nlohmann::json callPlugin(const std::string& type, const CniPluginCall& call, const nlohmann::json& config);

}  // namespace crix::netns::cni

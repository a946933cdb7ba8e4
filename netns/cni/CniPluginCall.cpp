#include "netns/cni/CniPluginCall.h"

#include <cstring>

#include "core/Error.h"
#include "core/Log.h"
#include "core/ProcessRunner.h"
#include "netns/cni/CniConfigDirectory.h"

extern char** environ;

namespace crix::netns::cni {

namespace {

using nlohmann::json;

// CNI spec error codes with a meaning of their own to a caller.
constexpr int kIncompatibleVersion = 1;
constexpr int kInvalidNetworkConfig = 7;
constexpr int kTryAgainLater = 11;

std::vector<std::string> pluginEnvironment(const CniPluginCall& call) {
  std::vector<std::string> env;
  // Plugins run iptables, ip and friends: they need the daemon's PATH; any
  // CNI_* of the daemon's own environment must not leak into the call.
  for (char** e = environ; e && *e; ++e)
    if (std::strncmp(*e, "CNI_", 4) != 0) env.emplace_back(*e);
  std::string path;
  for (const auto& dir : call.pluginDirs) path += (path.empty() ? "" : ":") + dir;
  env.push_back("CNI_COMMAND=" + call.command);
  env.push_back("CNI_CONTAINERID=" + call.containerId);
  env.push_back("CNI_NETNS=" + call.netnsPath);
  env.push_back("CNI_IFNAME=" + call.ifName);
  env.push_back("CNI_ARGS=" + call.args);
  env.push_back("CNI_PATH=" + path);
  return env;
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

}  // namespace

json callPlugin(const std::string& type, const CniPluginCall& call, const json& config) {
  const std::string what = "CNI plugin \"" + type + "\" (" + call.command + " of network \"" +
                           config.value("name", "") + "\" for pod " + call.containerId + ")";
  const std::string binary = findPlugin(call.pluginDirs, type);
  if (binary.empty()) throw Error::failedPrecondition(what + ": no such plugin in the plugin directories");

  ProcessSpec spec;
  spec.argv = {binary};
  spec.env = pluginEnvironment(call);
  spec.stdinData = config.dump();
  spec.timeout = call.timeout;
  log::debug("running ", what);
  const ProcessOutcome outcome = runProcess(spec);

  if (outcome.timedOut)
    throw Error(StatusCode::DeadlineExceeded,
                what + " did not finish within " + std::to_string(call.timeout.count() / 1000) + " s");
  const json out = json::parse(outcome.out, nullptr, false);
  if (outcome.ok()) {
    if (trimmed(outcome.out).empty()) return nullptr;
    if (out.is_discarded() || !out.is_object())
      throw Error(StatusCode::Unknown, what + " printed a result that is not a JSON object: " +
                                           trimmed(outcome.out).substr(0, 200));
    return out;
  }

  // The spec's error object: {"code": N, "msg": "...", "details": "..."}.
  if (!out.is_discarded() && out.is_object() && out.contains("msg")) {
    const int code = out.value("code", 0);
    std::string message = what + " failed: " + out.value("msg", "");
    if (const auto details = out.value("details", ""); !details.empty()) message += ": " + details;
    if (code == kTryAgainLater) throw Error::unavailable(message);
    if (code == kInvalidNetworkConfig || code == kIncompatibleVersion) throw Error::failedPrecondition(message);
    throw Error(StatusCode::Unknown, message);
  }
  std::string detail = trimmed(outcome.err.empty() ? outcome.out : outcome.err);
  if (detail.size() > 500) detail = detail.substr(0, 500) + "...";
  throw Error(StatusCode::Unknown,
              what + " failed (" +
                  (outcome.signal ? "killed by signal " + std::to_string(outcome.signal)
                                  : "exit status " + std::to_string(outcome.exitCode)) +
                  (detail.empty() ? ")" : "): " + detail));
}

}  // namespace crix::netns::cni
